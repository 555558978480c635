// A small, strict XML reader for the SOAP bodies Salesforce sends (Outbound Messages). No XML parser is
// installed and a SOAP envelope needs little: elements, attributes, namespaces, text, CDATA, comments and
// the five predefined entities plus character references. Anything else is refused rather than guessed:
// a DOCTYPE (so no entity expansion and no external entities), processing instructions, undeclared
// prefixes, mismatched or unclosed tags, duplicate attributes, text outside the root, unknown entities.
// Input size and nesting depth are bounded. (A maintained parser such as `saxes` would replace this;
// docs/crm.md says so.)

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

const NAME = /[A-Za-z_][A-Za-z0-9_.-]*(?::[A-Za-z_][A-Za-z0-9_.-]*)?/y;
const SPACE = /[ \t\r\n]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export interface XmlLimits {
  /** Characters of input. Default 2,000,000 (a 100-notification message is far smaller). */
  maxLength?: number;
  /** Element nesting. Default 32. */
  maxDepth?: number;
}

/** Parses a document and returns its root element. Throws an `XmlError` on anything it does not read. */
export function parseXml(input: string, limits: XmlLimits = {}): XmlElement {
  const maxLength = limits.maxLength ?? 2_000_000;
  const maxDepth = limits.maxDepth ?? 32;
  if (input.length > maxLength) throw new XmlError(`more than ${maxLength} characters`, maxLength);
  let pos = input.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, at = pos): never => {
    throw new XmlError(message, at);
  };
  const skipSpace = () => {
    SPACE.lastIndex = pos;
    SPACE.exec(input);
    pos = SPACE.lastIndex;
  };
  const name = (): string => {
    NAME.lastIndex = pos;
    const m = NAME.exec(input);
    if (!m) fail('expected a name');
    pos = NAME.lastIndex;
    return m![0];
  };
  const decode = (raw: string, at: number): string =>
    raw.replace(/&([^;&\s]*);?/g, (whole, ref: string, offset: number) => {
      if (!whole.endsWith(';')) fail('an unterminated entity reference', at + offset);
      if (ref in ENTITIES) return ENTITIES[ref]!;
      const m = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(ref);
      const code = m ? (m[1] ? parseInt(m[1], 16) : Number(m[2])) : NaN;
      const allowed =
        code === 0x9 ||
        code === 0xa ||
        code === 0xd ||
        (code >= 0x20 && code <= 0xd7ff) ||
        (code >= 0xe000 && code <= 0xfffd) ||
        (code >= 0x10000 && code <= 0x10ffff);
      if (!allowed) fail(`an unknown or invalid entity &${ref};`, at + offset);
      return String.fromCodePoint(code);
    });
  const comment = () => {
    const end = input.indexOf('-->', pos + 4);
    if (end < 0) fail('an unterminated comment');
    if (input.slice(pos + 4, end).includes('--')) fail('"--" inside a comment');
    pos = end + 3;
  };
  /** Whitespace and comments between markup outside the root. */
  const misc = () => {
    for (;;) {
      skipSpace();
      if (input.startsWith('<!--', pos)) comment();
      else return;
    }
  };

  // the declaration, if any, comes first
  if (input.startsWith('<?xml', pos) && /[\s?]/.test(input[pos + 5] ?? '')) {
    const end = input.indexOf('?>', pos);
    if (end < 0) fail('an unterminated XML declaration');
    const decl = input.slice(pos + 5, end);
    if (
      !/^\s+version\s*=\s*(["'])1\.[0-9]+\1(\s+encoding\s*=\s*(["'])[A-Za-z][\w.-]*\3)?(\s+standalone\s*=\s*(["'])(yes|no)\5)?\s*$/.test(
        decl,
      )
    )
      fail('a malformed XML declaration');
    pos = end + 2;
  }
  misc();
  if (input.startsWith('<!DOCTYPE', pos)) fail('a DOCTYPE (refused: no entity expansion)');
  if (input.startsWith('<?', pos)) fail('a processing instruction');
  if (input[pos] !== '<') fail('expected the root element');

  const element = (scope: ReadonlyMap<string, string>, depth: number): XmlElement => {
    if (depth > maxDepth) fail(`elements nested deeper than ${maxDepth}`);
    const start = pos;
    pos++; // '<'
    const qname = name();
    const raw: Array<{ name: string; value: string }> = [];
    for (;;) {
      const before = pos;
      skipSpace();
      if (input.startsWith('/>', pos) || input[pos] === '>') break;
      if (pos === before) fail('expected a space before an attribute');
      const at = pos;
      const attr = name();
      skipSpace();
      if (input[pos] !== '=') fail('expected = after an attribute name');
      pos++;
      skipSpace();
      const quote = input[pos];
      if (quote !== '"' && quote !== "'") fail('expected a quoted attribute value');
      const end = input.indexOf(quote!, pos + 1);
      if (end < 0) fail('an unterminated attribute value');
      const value = input.slice(pos + 1, end);
      if (value.includes('<')) fail('"<" in an attribute value', pos + 1);
      if (raw.some((a) => a.name === attr)) fail(`a duplicate attribute ${attr}`, at);
      raw.push({ name: attr, value: decode(value, pos + 1) });
      pos = end + 1;
    }
    // this element's namespace declarations
    const own = new Map(scope);
    for (const a of raw) {
      if (a.name === 'xmlns') own.set('', a.value);
      else if (a.name.startsWith('xmlns:')) {
        const prefix = a.name.slice(6);
        if (!a.value) fail(`an empty namespace for prefix ${prefix}`, start);
        own.set(prefix, a.value);
      }
    }
    const resolve = (q: string, isAttribute: boolean): { ns: string; local: string } => {
      const colon = q.indexOf(':');
      if (colon < 0) return { ns: isAttribute ? '' : (own.get('') ?? ''), local: q };
      const prefix = q.slice(0, colon);
      const ns = prefix === 'xml' ? XML_NS : own.get(prefix);
      if (ns === undefined) fail(`an undeclared namespace prefix ${prefix}`, start);
      return { ns: ns!, local: q.slice(colon + 1) };
    };
    const attributes: XmlAttribute[] = raw
      .filter((a) => a.name !== 'xmlns' && !a.name.startsWith('xmlns:'))
      .map((a) => ({ ...resolve(a.name, true), name: a.name, value: a.value }));
    const el: XmlElement = {
      ...resolve(qname, false),
      name: qname,
      attributes,
      children: [],
      text: '',
    };
    if (input.startsWith('/>', pos)) {
      pos += 2;
      return el;
    }
    pos++; // '>'
    for (;;) {
      const lt = input.indexOf('<', pos);
      if (lt < 0) fail(`an unclosed element ${qname}`, start);
      const chunk = input.slice(pos, lt);
      if (chunk.includes(']]>')) fail('"]]>" in text', pos + chunk.indexOf(']]>'));
      el.text += decode(chunk, pos);
      pos = lt;
      if (input.startsWith('</', pos)) {
        pos += 2;
        const closing = name();
        if (closing !== qname) fail(`</${closing}> closes <${qname}>`);
        skipSpace();
        if (input[pos] !== '>') fail('expected > to end a closing tag');
        pos++;
        return el;
      }
      if (input.startsWith('<!--', pos)) comment();
      else if (input.startsWith('<![CDATA[', pos)) {
        const end = input.indexOf(']]>', pos + 9);
        if (end < 0) fail('an unterminated CDATA section');
        el.text += input.slice(pos + 9, end);
        pos = end + 3;
      } else if (input.startsWith('<!', pos) || input.startsWith('<?', pos)) {
        fail('a declaration or processing instruction inside an element');
      } else el.children.push(element(own, depth + 1));
    }
  };

  const root = element(new Map(), 1);
  misc();
  if (pos < input.length) fail('content after the root element');
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
