import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, isNil, parseXml, XmlError, XSI_NS } from './xml.js';

test('elements, namespaces, attributes, text, CDATA, comments and references', () => {
  const root = parseXml(
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!-- lead -->\n' +
      '<a:root xmlns:a="urn:a" xmlns="urn:default" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id=\'1\'>' +
      '<child x="&lt;&amp;&quot;&#65;&#x42;">one &amp; two<![CDATA[ <raw> & ]]></child>' +
      '<a:empty xsi:nil="true"/><!-- between --><inner xmlns="urn:inner"><deep/></inner>' +
      '</a:root>\n<!-- after -->\n',
  );
  assert.deepEqual([root.ns, root.local, root.name], ['urn:a', 'root', 'a:root']);
  assert.deepEqual(root.attributes, [{ ns: '', local: 'id', name: 'id', value: '1' }]);
  const [child, empty, inner] = root.children;
  assert.deepEqual([child!.ns, child!.local], ['urn:default', 'child']);
  assert.equal(child!.attributes[0]!.value, '<&"AB');
  assert.equal(child!.text, 'one & two <raw> & ');
  assert.equal(isNil(empty!), true);
  assert.equal(empty!.attributes[0]!.ns, XSI_NS);
  assert.equal(inner!.children[0]!.ns, 'urn:inner');
});

test('what is not plain XML is refused, with an offset and never the input', () => {
  const bad = [
    '',
    '<a>',
    '<a></b>',
    '<a><b></a></b>',
    '<a x="1" x="2"/>',
    '<a x=1/>',
    '<a x="<"/>',
    '<p:a/>',
    '<a>&nbsp;</a>',
    '<a>& </a>',
    '<a>&#0;</a>',
    '<a/><b/>',
    '<a/>text',
    '<!DOCTYPE a><a/>',
    '<?pi x?><a/>',
    '<a><?pi x?></a>',
    '<a><!-- x -- y --></a>',
    '<a>]]></a>',
    '<?xml version="1.0" foo="bar"?><a/>',
    '<a xmlns:p=""/>',
    '<?xml version="1.1"?><a>&#1;</a>',
    // names that saxes would quote in its own messages
    '<SECRET:a/>',
    '<a SECRET:x="1"/>',
    '<a SECRET="1" SECRET="2"/>',
    '<a></SECRET>',
    '<a>&SECRET;</a>',
    '<SECRET>',
  ];
  for (const input of bad) {
    assert.throws(
      () => parseXml(input),
      (err: unknown) =>
        err instanceof XmlError &&
        /at offset \d+$/.test(err.message) &&
        !/SECRET/i.test(err.message),
      JSON.stringify(input),
    );
  }
  assert.equal(parseXml('<a>'.repeat(32) + '</a>'.repeat(32)).local, 'a');
  assert.throws(() => parseXml('<a>'.repeat(33) + '</a>'.repeat(33)), /nested deeper than 32/);
  assert.throws(() => parseXml(`<a>${'x'.repeat(100)}</a>`, { maxLength: 50 }), /more than 50/);
});

test('escaping round-trips through the parser', () => {
  const text = `<&>"' plain`;
  assert.equal(parseXml(`<a v="${escapeXml(text)}">${escapeXml(text)}</a>`).text, text);
  assert.equal(parseXml(`<a v="${escapeXml(text)}"/>`).attributes[0]!.value, text);
});
