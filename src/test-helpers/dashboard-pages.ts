// The dashboard's pages as web/src/routes.ts registers them (PAGES), read from the file's syntax tree by
// TypeScript's own parser: the browser walks (accessibility) and the size bench cover a page added there
// later without being edited. (The file itself is not imported: it belongs to the web build, whose JSX
// and module resolution the server's project does not share.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { WEB_ROOT } from './web-build.js';

export interface DashboardPage {
  /** The page's path segment (`/overview`), the key in PAGES. */
  name: string;
  title: string;
  group: string;
  /** The module of its chunk, as the build's manifest names it (`src/pages/overview.tsx`). */
  module: string;
  /** In the side navigation (`nav: false` leaves a page reached only through links out of it). */
  nav: boolean;
}

const ROUTES = join(WEB_ROOT, 'src', 'routes.ts');

const keyOf = (n: ts.PropertyName): string | undefined =>
  ts.isIdentifier(n) || ts.isStringLiteral(n) ? n.text : undefined;

function falseProp(o: ts.ObjectLiteralExpression, key: string): boolean {
  return o.properties.some(
    (p) =>
      ts.isPropertyAssignment(p) &&
      keyOf(p.name) === key &&
      p.initializer.kind === ts.SyntaxKind.FalseKeyword,
  );
}

function stringProp(o: ts.ObjectLiteralExpression, key: string): string | undefined {
  for (const p of o.properties)
    if (
      ts.isPropertyAssignment(p) &&
      keyOf(p.name) === key &&
      ts.isStringLiteralLike(p.initializer)
    )
      return p.initializer.text;
  return undefined;
}

/** The module named by `load: () => import('./pages/x')`, relative to web/. */
function loadedModule(o: ts.ObjectLiteralExpression): string | undefined {
  let spec: string | undefined;
  const visit = (n: ts.Node): void => {
    if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteralLike(n.arguments[0])
    )
      spec ??= n.arguments[0].text;
    ts.forEachChild(n, visit);
  };
  for (const p of o.properties) if (keyOf(p.name!) === 'load') visit(p);
  if (!spec) return undefined;
  const base = join('src', spec.replace(/^\.\//, ''));
  return ['.tsx', '.ts'].map((ext) => base + ext).find((f) => existsSync(join(WEB_ROOT, f)));
}

/** Every page of PAGES, in the order of the file (the side navigation's order within a group). */
export function dashboardPages(source = readFileSync(ROUTES, 'utf8')): DashboardPage[] {
  const file = ts.createSourceFile('routes.ts', source, ts.ScriptTarget.Latest, true);
  let pages: ts.ObjectLiteralExpression | undefined;
  const find = (n: ts.Node): void => {
    if (
      ts.isVariableDeclaration(n) &&
      ts.isIdentifier(n.name) &&
      n.name.text === 'PAGES' &&
      n.initializer &&
      ts.isObjectLiteralExpression(n.initializer)
    )
      pages = n.initializer;
    else ts.forEachChild(n, find);
  };
  find(file);
  if (!pages) throw new Error(`no PAGES object in ${ROUTES}`);
  return pages.properties.map((p) => {
    const name = p.name ? keyOf(p.name) : undefined;
    if (!name || !ts.isPropertyAssignment(p) || !ts.isObjectLiteralExpression(p.initializer))
      throw new Error(`PAGES in ${ROUTES}: an entry that is not \`name: { ... }\``);
    const def = p.initializer;
    const title = stringProp(def, 'title');
    const group = stringProp(def, 'group');
    const module = loadedModule(def);
    if (!title || !group || !module)
      throw new Error(`PAGES.${name} in ${ROUTES}: no title, group or load(import('./pages/...'))`);
    return { name, title, group, module, nav: !falseProp(def, 'nav') };
  });
}
