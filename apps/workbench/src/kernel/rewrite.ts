/**
 * Rewrites one cell's JavaScript (esbuild's output) so that cells share one scope and can be
 * interrupted, keeping every line where it was so that errors map back to the cell's lines:
 *
 * - top-level `const`/`let`/`var` become assignments to globals (`const x = 1` → `;( x = 1)`),
 *   classes become `C = class C {…}`, functions are copied to globals when the cell starts,
 *   and `import … from 'm'` becomes `({…} = await __wb.import('m'))`; re-running a cell
 *   re-assigns instead of failing with "already declared";
 * - the last expression statement becomes the cell's result (`return (…)`);
 * - every loop body starts with `__wb.tick()`, which throws once the cell is interrupted, so a
 *   `while (true) {}` stops without killing the kernel;
 * - `import(…)` and `import.meta` go through the kernel (`__wb.import`, `__wb.importMeta`).
 *
 * The result is the body of an async function (top-level await), see `transpile.ts`.
 */
import { parse, type Node } from 'acorn';
import { ancestor } from 'acorn-walk';

export interface RewrittenCell {
  /** The rewritten statements (same line count as the input). */
  body: string;
  /** Top-level names the cell declares (variables, functions, classes, imports). */
  declared: string[];
  /** Function declarations, copied to globals at the cell's start (they are hoisted). */
  functions: string[];
  /** Whether the last statement is an expression whose value is the cell's result. */
  hasResult: boolean;
}

interface Edit {
  start: number;
  end: number;
  text: string;
  /** Insertions at one position: closing ones (inner first) before opening ones (outer first). */
  closing: boolean;
  depth: number;
}

type AnyNode = Node & Record<string, any>;

function patternNames(pattern: AnyNode, out: string[]): void {
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern.name);
      break;
    case 'ObjectPattern':
      for (const p of pattern.properties) patternNames(p.type === 'RestElement' ? p.argument : p.value, out);
      break;
    case 'ArrayPattern':
      for (const e of pattern.elements) if (e) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(pattern.argument, out);
      break;
    case 'AssignmentPattern':
      patternNames(pattern.left, out);
      break;
  }
}

const keepLines = (text: string, original: string): string => text + '\n'.repeat((original.match(/\n/g) ?? []).length);

function importReplacement(node: AnyNode, source: string, declared: string[]): string {
  const from = JSON.stringify(node.source.value);
  const fields: string[] = [];
  let namespace: string | undefined;
  for (const s of node.specifiers as AnyNode[]) {
    declared.push(s.local.name);
    if (s.type === 'ImportNamespaceSpecifier') namespace = s.local.name;
    else if (s.type === 'ImportDefaultSpecifier') fields.push(`default: ${s.local.name}`);
    else {
      const imported = s.imported.type === 'Identifier' ? s.imported.name : JSON.stringify(s.imported.value);
      fields.push(imported === s.local.name ? imported : `${imported}: ${s.local.name}`);
    }
  }
  const load = `await __wb.import(${from})`;
  let text: string;
  if (namespace) {
    text = `;${namespace} = ${load};` + (fields.length ? `;({${fields.join(', ')}} = ${namespace});` : '');
  } else if (fields.length) {
    text = `;({${fields.join(', ')}} = ${load});`;
  } else {
    text = `;${load};`;
  }
  return keepLines(text, source.slice(node.start, node.end));
}

export function rewriteCell(js: string): RewrittenCell {
  const program = parse(js, {
    ecmaVersion: 'latest',
    sourceType: 'module',
    allowAwaitOutsideFunction: true,
    allowHashBang: true,
  }) as AnyNode;
  const edits: Edit[] = [];
  const declared: string[] = [];
  const functions: string[] = [];
  const insert = (at: number, text: string, closing: boolean, depth: number) =>
    edits.push({ start: at, end: at, text, closing, depth });
  const replace = (start: number, end: number, text: string, depth = 1) =>
    edits.push({ start, end, text, closing: false, depth });

  const statements = program.body as AnyNode[];
  let hasResult = false;
  statements.forEach((statement, index) => {
    let node = statement;
    if (node.type === 'ExportNamedDeclaration' || node.type === 'ExportDefaultDeclaration') {
      if (!node.declaration) {
        replace(node.start, node.end, keepLines('', js.slice(node.start, node.end)));
        return;
      }
      replace(node.start, node.declaration.start, '');
      node = node.declaration;
    }
    switch (node.type) {
      case 'ImportDeclaration':
        replace(node.start, node.end, importReplacement(node, js, declared));
        break;
      case 'VariableDeclaration': {
        if (node.kind !== 'var' && node.kind !== 'let' && node.kind !== 'const') break;
        replace(node.start, node.start + node.kind.length, ';(');
        for (const d of node.declarations as AnyNode[]) {
          patternNames(d.id, declared);
          if (!d.init) insert(d.end, ' = void 0', true, 3);
        }
        insert(node.declarations.at(-1).end, ')', true, 1);
        break;
      }
      case 'FunctionDeclaration':
        if (node.id) {
          declared.push(node.id.name);
          functions.push(node.id.name);
        }
        break;
      case 'ClassDeclaration':
        if (node.id) {
          declared.push(node.id.name);
          insert(node.start, `;${node.id.name} = `, false, 1);
          insert(node.end, ';', true, 1);
        }
        break;
      case 'ExpressionStatement':
        if (index === statements.length - 1 && node === statement) {
          hasResult = true;
          // The statement's own range: it may be parenthesised, as `({ a: 1 });` is.
          const end = js[node.end - 1] === ';' ? node.end - 1 : node.end;
          insert(node.start, 'return (', false, 1);
          insert(end, ')', true, 1);
        }
        break;
    }
  });

  const loop = (node: AnyNode, _state: unknown, ancestors: Node[]) => {
    const body = node.body as AnyNode;
    const depth = ancestors.length + 1;
    if (body.type === 'BlockStatement') {
      insert(body.start + 1, '__wb.tick();', false, depth);
    } else {
      insert(body.start, '{__wb.tick();', false, depth);
      insert(body.end, '}', true, depth);
    }
  };
  ancestor(program, {
    ForStatement: loop,
    ForInStatement: loop,
    ForOfStatement: loop,
    WhileStatement: loop,
    DoWhileStatement: loop,
    ImportExpression(node: AnyNode) {
      replace(node.start, node.start + 'import'.length, '__wb.import', 99);
    },
    MetaProperty(node: AnyNode) {
      if (node.meta.name === 'import') replace(node.start, node.end, '__wb.importMeta', 99);
    },
  } as any);

  edits.sort((a, b) => {
    if (a.start !== b.start) return a.start - b.start;
    const aPoint = a.start === a.end;
    const bPoint = b.start === b.end;
    if (aPoint !== bPoint) return aPoint ? -1 : 1;
    if (a.closing !== b.closing) return a.closing ? -1 : 1;
    return a.closing ? b.depth - a.depth : a.depth - b.depth;
  });
  let body = '';
  let at = 0;
  for (const edit of edits) {
    if (edit.start < at) throw new Error(`internal error: overlapping rewrite at ${edit.start}`);
    body += js.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  body += js.slice(at);
  return { body, declared: [...new Set(declared)], functions, hasResult };
}
