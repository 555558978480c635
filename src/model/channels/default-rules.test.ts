// The GA4 default channel group, end to end: landing URL + referrer → source / medium → channel.
// Each row is one landing; expected values are written from the GA4 definitions, not from the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainLanding } from './explain.js';

interface Case {
  name: string;
  url: string;
  referrer?: string;
  ownHosts?: string[];
  source: string;
  medium: string;
  channel: string;
  platform?: string;
  decidedBy?: 'utm' | 'click_id' | 'referrer' | 'direct';
  ruleId?: string | null;
}

const L = 'https://www.example.com/landing';

const cases: Case[] = [
  // Direct
  { name: 'nothing at all', url: L, source: '(direct)', medium: '(none)', channel: 'Direct', platform: '(direct)', decidedBy: 'direct', ruleId: 'direct' },
  { name: 'referrer is the landing host', url: L, referrer: 'https://www.example.com/pricing', source: '(direct)', medium: '(none)', channel: 'Direct', decidedBy: 'direct' },
  { name: 'referrer is an own subdomain', url: L, referrer: 'https://blog.example.com/post', ownHosts: ['example.com'], source: '(direct)', medium: '(none)', channel: 'Direct' },
  { name: 'referrer is a configured own host (payment page)', url: L, referrer: 'https://checkout.pay-provider.com/x', ownHosts: ['https://www.pay-provider.com/'], source: '(direct)', medium: '(none)', channel: 'Direct' },
  { name: 'tagged (direct) / (none)', url: `${L}?utm_source=(direct)&utm_medium=(none)`, source: '(direct)', medium: '(none)', channel: 'Direct', decidedBy: 'utm' },
  { name: 'utm_campaign alone keeps direct', url: `${L}?utm_campaign=spring`, source: '(direct)', medium: '(none)', channel: 'Direct', decidedBy: 'direct' },
  // Cross-network
  { name: 'cross-network campaign beats paid search', url: `${L}?utm_source=google&utm_medium=cpc&utm_campaign=Brand_Cross-Network_PMax`, source: 'google', medium: 'cpc', channel: 'Cross-network', ruleId: 'cross-network' },
  // Paid Shopping
  { name: 'shopping campaign on google cpc', url: `${L}?utm_source=google&utm_medium=cpc&utm_campaign=shopping_q4`, source: 'google', medium: 'cpc', channel: 'Paid Shopping' },
  { name: 'amazon ppc', url: `${L}?utm_source=amazon&utm_medium=ppc`, source: 'amazon', medium: 'ppc', channel: 'Paid Shopping', platform: 'Amazon' },
  { name: '-shop campaign beats paid social', url: `${L}?utm_source=facebook&utm_medium=paid_social&utm_campaign=summer-shop`, source: 'facebook', medium: 'paid_social', channel: 'Paid Shopping' },
  { name: 'eshop counts as shop', url: `${L}?utm_source=google&utm_medium=cpc&utm_campaign=eshop_de`, source: 'google', medium: 'cpc', channel: 'Paid Shopping' },
  // Paid Search
  { name: 'workshop is not shop', url: `${L}?utm_source=google&utm_medium=cpc&utm_campaign=workshop`, source: 'google', medium: 'cpc', channel: 'Paid Search' },
  { name: 'gclid only', url: `${L}?gclid=Cj0KCQ_AbC`, source: 'google', medium: 'cpc', channel: 'Paid Search', platform: 'Google', decidedBy: 'click_id', ruleId: 'paid-search' },
  { name: 'gclid with a google referrer', url: `${L}?gclid=x`, referrer: 'https://www.google.com/', source: 'google', medium: 'cpc', channel: 'Paid Search', decidedBy: 'click_id' },
  { name: 'gbraid only', url: `${L}?gbraid=0AAAAA`, source: 'google', medium: 'cpc', channel: 'Paid Search' },
  { name: 'wbraid only', url: `${L}?wbraid=ClkKCQ`, source: 'google', medium: 'cpc', channel: 'Paid Search' },
  { name: 'msclkid only', url: `${L}?msclkid=5e3f0c`, source: 'bing', medium: 'cpc', channel: 'Paid Search', platform: 'Bing', decidedBy: 'click_id' },
  { name: 'yclid only', url: `${L}?yclid=123`, source: 'yandex', medium: 'cpc', channel: 'Paid Search', platform: 'Yandex' },
  { name: 'mixed-case Bing / CPC', url: `${L}?utm_source=Bing&utm_medium=CPC`, source: 'bing', medium: 'cpc', channel: 'Paid Search', platform: 'Bing' },
  { name: 'ccTLD domain as utm_source', url: `${L}?utm_source=www.google.de&utm_medium=ppc`, source: 'www.google.de', medium: 'ppc', channel: 'Paid Search', platform: 'Google' },
  { name: 'cpm on a search engine is Paid Search (GA4 order)', url: `${L}?utm_source=google&utm_medium=cpm`, source: 'google', medium: 'cpm', channel: 'Paid Search' },
  // Paid Social
  { name: 'ttclid only', url: `${L}?ttclid=E.C.P`, source: 'tiktok', medium: 'cpc', channel: 'Paid Social', platform: 'TikTok' },
  { name: 'twclid only', url: `${L}?twclid=2-abc`, source: 'twitter', medium: 'cpc', channel: 'Paid Social', platform: 'X' },
  { name: 'li_fat_id only', url: `${L}?li_fat_id=9f1c`, source: 'linkedin', medium: 'cpc', channel: 'Paid Social', platform: 'LinkedIn' },
  { name: 'rdt_cid only', url: `${L}?rdt_cid=123`, source: 'reddit', medium: 'cpc', channel: 'Paid Social', platform: 'Reddit' },
  { name: 'facebook paid_social', url: `${L}?utm_source=facebook&utm_medium=paid_social`, source: 'facebook', medium: 'paid_social', channel: 'Paid Social', platform: 'Meta' },
  { name: 'domain form l.facebook.com retargeting', url: `${L}?utm_source=l.facebook.com&utm_medium=retargeting`, source: 'l.facebook.com', medium: 'retargeting', channel: 'Paid Social', platform: 'Meta' },
  { name: 'mixed-case LinkedIn / Paid', url: `${L}?UTM_SOURCE=LinkedIn&utm_medium=Paid`, source: 'linkedin', medium: 'paid', channel: 'Paid Social', platform: 'LinkedIn' },
  { name: 'alias ig cpc', url: `${L}?utm_source=ig&utm_medium=cpc`, source: 'ig', medium: 'cpc', channel: 'Paid Social', platform: 'Meta' },
  // Paid Video
  { name: 'youtube cpv', url: `${L}?utm_source=youtube&utm_medium=cpv`, source: 'youtube', medium: 'cpv', channel: 'Paid Video', platform: 'Google' },
  { name: 'vimeo paid-video', url: `${L}?utm_source=vimeo&utm_medium=paid-video`, source: 'vimeo', medium: 'paid-video', channel: 'Paid Video' },
  // Display
  { name: 'dclid only', url: `${L}?dclid=CJ3x`, source: 'google', medium: 'display', channel: 'Display', decidedBy: 'click_id' },
  { name: 'cpm on an unlisted source', url: `${L}?utm_source=dv360&utm_medium=cpm`, source: 'dv360', medium: 'cpm', channel: 'Display' },
  { name: 'banner', url: `${L}?utm_source=partner-site&utm_medium=banner`, source: 'partner-site', medium: 'banner', channel: 'Display' },
  { name: 'mixed-case Interstitial', url: `${L}?utm_source=network&utm_medium=Interstitial`, source: 'network', medium: 'interstitial', channel: 'Display' },
  // Paid Other
  { name: 'tblci only', url: `${L}?tblci=GiA`, source: 'taboola', medium: 'cpc', channel: 'Paid Other', platform: 'Taboola' },
  { name: 'paid on an unlisted source', url: `${L}?utm_source=newsletter-sponsor&utm_medium=paid`, source: 'newsletter-sponsor', medium: 'paid', channel: 'Paid Other', platform: '(other)' },
  { name: 'criteo retargeting', url: `${L}?utm_source=criteo&utm_medium=retargeting`, source: 'criteo', medium: 'retargeting', channel: 'Paid Other', platform: 'Criteo' },
  // Organic Shopping
  { name: 'amazon ccTLD referrer', url: L, referrer: 'https://www.amazon.co.uk/dp/B0', source: 'amazon', medium: 'referral', channel: 'Organic Shopping', platform: 'Amazon', decidedBy: 'referrer' },
  { name: 'shop campaign beats email', url: `${L}?utm_source=newsletter&utm_medium=email&utm_campaign=shop-launch`, source: 'newsletter', medium: 'email', channel: 'Organic Shopping' },
  { name: 'shopping.google.com is shopping, not search', url: L, referrer: 'https://shopping.google.com/', source: 'google shopping', medium: 'referral', channel: 'Organic Shopping', platform: 'Google' },
  // Organic Social
  { name: 'fbclid alone is not paid', url: `${L}?fbclid=IwAR0abc`, source: 'facebook', medium: 'social', channel: 'Organic Social', platform: 'Meta', decidedBy: 'click_id' },
  { name: 'fbclid with an instagram referrer', url: `${L}?fbclid=IwAR0abc`, referrer: 'https://l.instagram.com/', source: 'instagram', medium: 'social', channel: 'Organic Social', platform: 'Meta' },
  { name: 'l.facebook.com referrer', url: L, referrer: 'https://l.facebook.com/l.php?u=x', source: 'facebook', medium: 'social', channel: 'Organic Social', platform: 'Meta', decidedBy: 'referrer' },
  { name: 'lm.facebook.com referrer', url: L, referrer: 'https://lm.facebook.com/', source: 'facebook', medium: 'social', channel: 'Organic Social' },
  { name: 'lnkd.in referrer', url: L, referrer: 'https://lnkd.in/eXyZ', source: 'linkedin', medium: 'social', channel: 'Organic Social', platform: 'LinkedIn' },
  { name: 't.co referrer', url: L, referrer: 'https://t.co/abc', source: 'twitter', medium: 'social', channel: 'Organic Social', platform: 'X' },
  { name: 'out.reddit.com referrer', url: L, referrer: 'https://out.reddit.com/t3_x', source: 'reddit', medium: 'social', channel: 'Organic Social' },
  { name: 'LinkedIn Android app referrer', url: L, referrer: 'android-app://com.linkedin.android', source: 'linkedin', medium: 'social', channel: 'Organic Social', platform: 'LinkedIn' },
  { name: 'Facebook Android app referrer', url: L, referrer: 'android-app://com.facebook.katana/', source: 'facebook', medium: 'social', channel: 'Organic Social', platform: 'Meta' },
  { name: 'social medium on an unlisted source', url: `${L}?utm_source=partner&utm_medium=Social-Media`, source: 'partner', medium: 'social-media', channel: 'Organic Social' },
  { name: 'listed source without a medium', url: `${L}?utm_source=Facebook`, source: 'facebook', medium: '(not set)', channel: 'Organic Social', decidedBy: 'utm' },
  // Organic Video
  { name: 'youtube referrer', url: L, referrer: 'https://www.youtube.com/watch?v=1', source: 'youtube', medium: 'referral', channel: 'Organic Video', platform: 'Google' },
  { name: 'youtu.be referrer', url: L, referrer: 'https://youtu.be/x', source: 'youtube', medium: 'referral', channel: 'Organic Video' },
  { name: 'video medium on an unlisted source', url: `${L}?utm_source=webinar-tool&utm_medium=video`, source: 'webinar-tool', medium: 'video', channel: 'Organic Video' },
  // Organic Search
  { name: 'google.com referrer', url: L, referrer: 'https://www.google.com/', source: 'google', medium: 'organic', channel: 'Organic Search', platform: 'Google', decidedBy: 'referrer', ruleId: 'organic-search' },
  { name: 'google.co.uk referrer', url: L, referrer: 'https://www.google.co.uk/', source: 'google', medium: 'organic', channel: 'Organic Search' },
  { name: 'google.com.au referrer', url: L, referrer: 'https://www.google.com.au/', source: 'google', medium: 'organic', channel: 'Organic Search' },
  { name: 'bing referrer', url: L, referrer: 'https://www.bing.com/search?q=x', source: 'bing', medium: 'organic', channel: 'Organic Search', platform: 'Bing' },
  { name: 'duckduckgo referrer', url: L, referrer: 'https://duckduckgo.com/', source: 'duckduckgo', medium: 'organic', channel: 'Organic Search', platform: 'DuckDuckGo' },
  { name: 'brave search referrer', url: L, referrer: 'https://search.brave.com/search?q=x', source: 'brave', medium: 'organic', channel: 'Organic Search' },
  { name: 'yandex.ru referrer', url: L, referrer: 'https://yandex.ru/', source: 'yandex', medium: 'organic', channel: 'Organic Search' },
  { name: 'ecosia referrer', url: L, referrer: 'https://www.ecosia.org/', source: 'ecosia', medium: 'organic', channel: 'Organic Search' },
  { name: 'Google search app referrer', url: L, referrer: 'android-app://com.google.android.googlequicksearchbox/', source: 'google', medium: 'organic', channel: 'Organic Search', platform: 'Google' },
  { name: 'organic medium on an unlisted source', url: `${L}?utm_source=newsletter&utm_medium=organic`, source: 'newsletter', medium: 'organic', channel: 'Organic Search' },
  // Referral
  { name: 'unlisted site', url: L, referrer: 'https://www.some-blog.org/post/1', source: 'some-blog.org', medium: 'referral', channel: 'Referral', platform: '(other)', decidedBy: 'referrer', ruleId: 'referral' },
  { name: 'fbclid with a non-Meta referrer follows the referrer', url: `${L}?fbclid=IwAR0`, referrer: 'https://news.site/a', source: 'news.site', medium: 'referral', channel: 'Referral', decidedBy: 'referrer' },
  { name: 'chatgpt referrer is referral', url: L, referrer: 'https://chatgpt.com/', source: 'chatgpt', medium: 'referral', channel: 'Referral', platform: 'OpenAI' },
  { name: 'perplexity referrer is referral', url: L, referrer: 'https://www.perplexity.ai/search', source: 'perplexity', medium: 'referral', channel: 'Referral', platform: 'Perplexity' },
  { name: 'gemini.google.com is not google search', url: L, referrer: 'https://gemini.google.com/app', source: 'gemini', medium: 'referral', channel: 'Referral', platform: 'Google' },
  { name: 'docs.google.com is not google search', url: L, referrer: 'https://docs.google.com/document/d/1', source: 'docs.google.com', medium: 'referral', channel: 'Referral', platform: 'Google' },
  { name: 'link medium', url: `${L}?utm_source=partner&utm_medium=link`, source: 'partner', medium: 'link', channel: 'Referral' },
  { name: 'APP medium', url: `${L}?utm_source=App&utm_medium=APP`, source: 'app', medium: 'app', channel: 'Referral' },
  { name: 'unknown Android app referrer', url: L, referrer: 'android-app://com.example.reader/', source: 'com.example.reader', medium: 'referral', channel: 'Referral' },
  { name: 'PINNED: Referral before Email', url: `${L}?utm_source=email&utm_medium=referral`, source: 'email', medium: 'referral', channel: 'Referral', ruleId: 'referral' },
  { name: 'referrer without a scheme', url: L, referrer: 'www.partner.io', source: 'partner.io', medium: 'referral', channel: 'Referral' },
  // Email
  { name: 'newsletter email', url: `${L}?utm_source=newsletter&utm_medium=email`, source: 'newsletter', medium: 'email', channel: 'Email', ruleId: 'email' },
  { name: 'E-Mail source, odd medium', url: `${L}?utm_source=E-Mail&utm_medium=blast`, source: 'e-mail', medium: 'blast', channel: 'Email' },
  { name: 'e_mail medium', url: `${L}?utm_source=crm&utm_medium=e_mail`, source: 'crm', medium: 'e_mail', channel: 'Email' },
  { name: 'Gmail Android app referrer', url: L, referrer: 'android-app://com.google.android.gm', source: 'gmail', medium: 'email', channel: 'Email', platform: 'Google', decidedBy: 'referrer' },
  { name: 'Gmail web referrer', url: L, referrer: 'https://mail.google.com/mail/u/0/', source: 'gmail', medium: 'email', channel: 'Email' },
  { name: 'Outlook web referrer', url: L, referrer: 'https://outlook.live.com/', source: 'outlook', medium: 'email', channel: 'Email', platform: 'Microsoft' },
  { name: 'UTMs win over a click id', url: `${L}?utm_source=newsletter&utm_medium=email&gclid=x`, source: 'newsletter', medium: 'email', channel: 'Email', decidedBy: 'utm' },
  // Affiliates
  { name: 'affiliate', url: `${L}?utm_source=awin&utm_medium=affiliate`, source: 'awin', medium: 'affiliate', channel: 'Affiliates', ruleId: 'affiliates' },
  { name: 'PINNED: Email before Affiliates', url: `${L}?utm_source=email&utm_medium=affiliate`, source: 'email', medium: 'affiliate', channel: 'Email' },
  // Audio
  { name: 'audio', url: `${L}?utm_source=spotify&utm_medium=Audio`, source: 'spotify', medium: 'audio', channel: 'Audio', ruleId: 'audio' },
  // SMS
  { name: 'sms source', url: `${L}?utm_source=sms&utm_medium=text`, source: 'sms', medium: 'text', channel: 'SMS', ruleId: 'sms' },
  { name: 'SMS medium', url: `${L}?utm_source=twilio&utm_medium=SMS`, source: 'twilio', medium: 'sms', channel: 'SMS' },
  // Mobile Push Notifications
  { name: 'web-push medium', url: `${L}?utm_source=braze&utm_medium=web-push`, source: 'braze', medium: 'web-push', channel: 'Mobile Push Notifications', ruleId: 'mobile-push' },
  { name: 'firebase source', url: `${L}?utm_source=firebase&utm_medium=inapp`, source: 'firebase', medium: 'inapp', channel: 'Mobile Push Notifications' },
  { name: 'notification medium', url: `${L}?utm_source=app&utm_medium=Mobile_Notification`, source: 'app', medium: 'mobile_notification', channel: 'Mobile Push Notifications' },
  // Unassigned
  { name: 'source only, unlisted (chatgpt.com tag)', url: `${L}?utm_source=chatgpt.com`, source: 'chatgpt.com', medium: '(not set)', channel: 'Unassigned', platform: 'OpenAI', ruleId: null },
  { name: 'print medium', url: `${L}?utm_source=flyer&utm_medium=print`, source: 'flyer', medium: 'print', channel: 'Unassigned', ruleId: null },
  { name: 'medium only, unlisted', url: `${L}?utm_medium=qr`, source: '(not set)', medium: 'qr', channel: 'Unassigned' },
];

test('the table covers all 18 GA4 channels and Unassigned', () => {
  const channels = new Set(cases.map((c) => c.channel));
  const ga4 = [
    'Direct', 'Cross-network', 'Paid Shopping', 'Paid Search', 'Paid Social', 'Paid Video', 'Display', 'Paid Other',
    'Organic Shopping', 'Organic Social', 'Organic Video', 'Organic Search', 'Referral', 'Email', 'Affiliates',
    'Audio', 'SMS', 'Mobile Push Notifications', 'Unassigned',
  ];
  for (const channel of ga4) assert.ok(channels.has(channel), `no case for ${channel}`);
  assert.ok(cases.length >= 60);
});

for (const c of cases) {
  test(`GA4 default: ${c.name}`, () => {
    const x = explainLanding({ url: c.url, referrer: c.referrer ?? null, ownHosts: c.ownHosts ?? [] });
    assert.equal(x.source, c.source, 'source');
    assert.equal(x.medium, c.medium, 'medium');
    assert.equal(x.channel, c.channel, 'channel');
    if (c.platform !== undefined) assert.equal(x.platform, c.platform, 'platform');
    if (c.decidedBy !== undefined) assert.equal(x.decidedBy, c.decidedBy, 'decidedBy');
    if (c.ruleId !== undefined) assert.equal(x.rule?.id ?? null, c.ruleId, 'rule id');
  });
}
