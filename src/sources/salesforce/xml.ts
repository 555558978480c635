// A strict XML reader for the SOAP bodies Salesforce sends (Outbound Messages), built on `saxes`
// (strict XML 1.0 with namespaces: it refuses undeclared prefixes, mismatched or unclosed tags,
// duplicate attributes, text outside the root and unknown entities). On top of it we refuse what a
// SOAP envelope never needs: a DOCTYPE (so no entity expansion and no external entities) and
// processing instructions. Input size and nesting depth are bounded, and an error names what and
// where, never the input.
import { SaxesParser, type SaxesTagNS } from 'saxes';

/** An element, its names resolved against the namespace declarations in scope. */
export interface XmlElement {
  /** Namespace URI; '' when none is in scope. */
  ns: string;
  local: string;
  /** The name as written (`soapenv:Body`). */
  name: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own text and CDATA, concatenated (not its children's). */
  text: string;
}

export interface XmlAttribute {
  /** '' for an unprefixed attribute (attributes take no default namespace). */
  ns: string;
  local: string;
  name: string;
  value: string;
}

/** Not XML we read: the message says what and where (an offset into the input, never the input). */
export class XmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlError';
  }
}

export const XML_NS = 'http://www.w3.org/XML/1998/namespace';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

export interface XmlLimits {
  /** Characters of input. Default 2,000,000 (a 100-notification message is far smaller). */
  maxLength?: number;
  /** Element nesting. Default 32. */
  maxDepth?: number;
}

/** saxes says `line:column: what: detail`; the detail may quote the input (a name, a prefix). */
const reasonOf = (saxesMessage: string): string =>
  saxesMessage
    .replace(/^\d+:\d+: /, '')
    .replace(/:[\s\S]*$/, '')
    .replace(/\.$/, '');

/** Parses a document and returns its root element. Throws an `XmlError` on anything it does not read. */
export function parseXml(input: string, limits: XmlLimits = {}): XmlElement {
  const maxLength = limits.maxLength ?? 2_000_000;
  const maxDepth = limits.maxDepth ?? 32;
  if (input.length > maxLength) throw new XmlError(`more than ${maxLength} characters`, maxLength);

  // XML 1.0 even if the declaration says 1.1 (which admits control characters as references)
  const parser = new SaxesParser({ xmlns: true, defaultXMLVersion: '1.0', forceXMLVersion: true });
  const fail = (message: string): never => {
    throw new XmlError(message, parser.position);
  };
  const open: XmlElement[] = [];
  let root: XmlElement | undefined;

  parser.on('error', (err) => fail(reasonOf(err.message)));
  parser.on('doctype', () => fail('a DOCTYPE (refused: no entity expansion)'));
  parser.on('processinginstruction', () => fail('a processing instruction'));
  parser.on('opentagstart', () => {
    if (open.length >= maxDepth) fail(`elements nested deeper than ${maxDepth}`);
  });
  parser.on('opentag', (tag: SaxesTagNS) => {
    const el: XmlElement = {
      ns: tag.uri,
      local: tag.local,
      name: tag.name,
      // namespace declarations are scope, not attributes
      attributes: Object.values(tag.attributes)
        .filter((a) => a.uri !== XMLNS_NS)
        .map((a) => ({ ns: a.uri, local: a.local, name: a.name, value: a.value })),
      children: [],
      text: '',
    };
    open.at(-1)?.children.push(el);
    root ??= el;
    open.push(el);
  });
  parser.on('closetag', () => open.pop());
  const addText = (text: string) => {
    const el = open.at(-1);
    if (el) el.text += text;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);

  parser.write(input).close();
  if (!root) return fail('expected the root element');
  return root;
}

/** The direct children of an element with this namespace and local name. */
export function childrenNamed(el: XmlElement, ns: string, local: string): XmlElement[] {
  return el.children.filter((c) => c.ns === ns && c.local === local);
}

/** True when an element says `xsi:nil="true"`. */
export function isNil(el: XmlElement): boolean {
  return el.attributes.some(
    (a) => a.ns === XSI_NS && a.local === 'nil' && (a.value === 'true' || a.value === '1'),
  );
}

/** Escapes text for an element's content or an attribute value. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
