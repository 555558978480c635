// The snippet's URL redaction (pure, so it runs here in node; the browser tests cover where it is applied).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clean, DENY } from './redact.js';

const R = '[redacted]';

describe('clean: sensitive parameters', () => {
  it('redacts the values of deny-listed query and fragment parameters, whatever their case', () => {
    const cases: [string, string][] = [
      ['https://a.test/?password=hunter2', `https://a.test/?password=${R}`],
      [
        'https://a.test/p?x=1&PASSWORD=a&Passwd=b&pwd=c&pw=d&pass=e',
        `https://a.test/p?x=1&PASSWORD=${R}&Passwd=${R}&pwd=${R}&pw=${R}&pass=${R}`,
      ],
      [
        'https://a.test/?secret=s&token=t&access_token=a&id_token=i&refresh_token=r',
        `https://a.test/?secret=${R}&token=${R}&access_token=${R}&id_token=${R}&refresh_token=${R}`,
      ],
      [
        'https://a.test/?auth=a&authorization=b&api_key=c&apikey=d&key=e&apiKey=f',
        `https://a.test/?auth=${R}&authorization=${R}&api_key=${R}&apikey=${R}&key=${R}&apiKey=${R}`,
      ],
      [
        'https://a.test/?session=a&sid=b&sessionid=c&PHPSESSID=d&JSESSIONID=e',
        `https://a.test/?session=${R}&sid=${R}&sessionid=${R}&PHPSESSID=${R}&JSESSIONID=${R}`,
      ],
      [
        'https://a.test/?csrf=a&xsrf=b&csrf_token=c&_csrf=d&XSRF-TOKEN=e',
        `https://a.test/?csrf=${R}&xsrf=${R}&csrf_token=${R}&_csrf=${R}&XSRF-TOKEN=${R}`,
      ],
      [
        'https://a.test/?card=a&cardnumber=b&card_number=c&cc=d&cc-exp=e&cc_num=f&cvv=g&cvc=h',
        `https://a.test/?card=${R}&cardnumber=${R}&card_number=${R}&cc=${R}&cc-exp=${R}&cc_num=${R}&cvv=${R}&cvc=${R}`,
      ],
      [
        'https://a.test/?ssn=a&iban=b&pin=c&otp=d&user_pin=e',
        `https://a.test/?ssn=${R}&iban=${R}&pin=${R}&otp=${R}&user_pin=${R}`,
      ],
      // close variants: prefixes, suffixes, camelCase, bracketed (and encoded bracketed) names
      [
        'https://a.test/?new_password=a&password_confirmation=b&newPassword=c&user[password]=d',
        `https://a.test/?new_password=${R}&password_confirmation=${R}&newPassword=${R}&user[password]=${R}`,
      ],
      [
        'https://a.test/?a%5Bpassword%5D=x&a%5Bkey%5D=y&accessToken=z',
        `https://a.test/?a%5Bpassword%5D=${R}&a%5Bkey%5D=${R}&accessToken=${R}`,
      ],
      // OAuth implicit flow: the tokens come in the fragment
      [
        'https://a.test/cb#access_token=abc.def&token_type=bearer&state=xyz',
        `https://a.test/cb#access_token=${R}&token_type=${R}&state=xyz`,
      ],
      ['https://a.test/?q=1#/route?token=t', `https://a.test/?q=1#/route?token=${R}`],
      ['?token=abc&x=1', `?token=${R}&x=1`],
    ];
    for (const [url, expected] of cases) assert.equal(clean(url), expected, url);
  });

  it('leaves other parameters, empty values, valueless names and the path alone', () => {
    const same = [
      'https://a.test/',
      'https://a.test/login/password-reset?step=2',
      'https://a.test/?q=crm&page=2&sort=asc&account=A-77&keyword=shoes&inside=1&side=l&success=1&accept=1&company=x',
      'https://a.test/?token=&password',
      'https://a.test/?next=/a?b=c',
      '',
    ];
    for (const url of same) assert.equal(clean(url), url, url);
  });

  it('never touches UTMs and click ids', () => {
    const url =
      'https://a.test/?utm_source=g&utm_medium=cpc&utm_campaign=c&utm_term=t&utm_content=x&utm_id=1&gclid=G&gbraid=B&wbraid=W&dclid=D' +
      '&fbclid=F&msclkid=M&ttclid=T&twclid=X&li_fat_id=L&yclid=Y&ScCid=S&rdt_cid=R&irclickid=I&epik=E&_kx=K&mc_cid=C&mc_eid=E&_hsenc=H&ref=r';
    assert.equal(clean(url), url);
    for (const name of new URLSearchParams(url.split('?')[1]).keys())
      assert.ok(!DENY.test(name), name);
  });
});

describe('clean: e-mail addresses', () => {
  it('replaces e-mail addresses anywhere in a URL, plain or percent-encoded', () => {
    const cases: [string, string][] = [
      ['https://a.test/?email=ada@example.com', 'https://a.test/?email=[email]'],
      [
        'https://a.test/thanks?email=ada%40example.com&first=Ada',
        'https://a.test/thanks?email=[email]&first=Ada',
      ],
      [
        'https://a.test/?e=Ada.Lovelace%2Btag%40Example.co.uk&utm_source=x',
        'https://a.test/?e=[email]&utm_source=x',
      ],
      [
        'https://a.test/users/ada.lovelace@example.com/profile',
        'https://a.test/users/[email]/profile',
      ],
      ['https://a.test/#contact=bob@example.org', 'https://a.test/#contact=[email]'],
      ['https://a.test/?to=a@x.test,b@y.test', 'https://a.test/?to=[email],[email]'],
      [
        'https://a.test/?password=p@ss&email=x%40y.test',
        `https://a.test/?password=${R}&email=[email]`,
      ],
    ];
    for (const [url, expected] of cases) assert.equal(clean(url), expected, url);
  });

  it('keeps an @ that is not an address (a path handle)', () => {
    assert.equal(clean('https://medium.test/@ada/post?x=1'), 'https://medium.test/@ada/post?x=1');
  });
});

describe('remembered names', () => {
  it('redacts names refused by a form submit, exactly as a GET form encodes them', () => {
    const url =
      'https://a.test/thanks?nonce_x=n1&code4=1234&a%5Bb%5D=2&first_name=Ada&nonce=keep&x_nonce_x=keep';
    assert.equal(clean(url), url, 'nothing remembered yet');
    // What lazy/forms.ts appends to sessionStorage "_cl_f" after a submit (cl.js passes it in).
    const refused =
      '&' +
      new URLSearchParams([
        ['nonce_x', ''],
        ['code4', ''],
        ['a[b]', ''],
      ]);
    assert.equal(refused, '&nonce_x=&code4=&a%5Bb%5D=');
    assert.equal(
      clean(url, refused),
      `https://a.test/thanks?nonce_x=${R}&code4=${R}&a%5Bb%5D=${R}&first_name=Ada&nonce=keep&x_nonce_x=keep`,
    );
    assert.equal(
      clean('https://a.test/x#code4=9', refused),
      `https://a.test/x#code4=${R}`,
      'in the fragment too',
    );
  });
});

describe('DENY on form controls', () => {
  it('matches password, card and one-time-code controls by "type,name,autocomplete,id", not ordinary ones', () => {
    for (const about of [
      'password,pwd,,',
      'text,card_number,,',
      'text,expiry,cc-exp,',
      'text,cvc,,',
      'text,x,current-password,',
      'tel,pin,,',
      'text,otp,,',
    ])
      assert.ok(DENY.test(about), about);
    for (const about of [
      'email,work_email,,',
      'text,first_name,,',
      'text,account,,',
      'checkbox,terms,,',
      'textarea,message,,',
      'select-one,size,,',
      'text,company,,',
    ])
      assert.ok(!DENY.test(about), about);
  });
});
