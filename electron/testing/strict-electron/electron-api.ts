/**
 * The installed Electron's API as its own type definitions (node_modules/electron/electron.d.ts) declare it,
 * read with the TypeScript checker: which names each process's `electron` module exports, every member of
 * each class and interface (inherited ones included), the events each `on` accepts, the string unions of
 * parameters (permission names) and what the doc comments say about `ready` ("must be called after the
 * `ready` event", "can only be used before the `ready` event"). The strict stand-in (strict-electron.ts)
 * refuses anything this does not list, so an API renamed or removed in a new Electron fails the start-up test.
 *
 * XENDECK_ELECTRON_DTS points at another electron.d.ts (to show what a renamed API does to the test).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';

export type ReadyRule = { when: 'before-ready' | 'after-ready'; says: string };

export interface ElectronApi {
  version: string;
  dtsPath: string;
  /**
   * Names `require('electron')` gives the main process (its own and the common ones), and a sandboxed preload
   * (the renderer's own, and of the common ones only crashReporter and nativeImage, as Electron's sandbox guide says).
   */
  mainExports: ReadonlySet<string>;
  rendererExports: ReadonlySet<string>;
  /** Every property and method of a class or interface of the `Electron` namespace (for a class: of its instances). */
  members(typeName: string): ReadonlySet<string>;
  /** A class's static members. */
  staticMembers(typeName: string): ReadonlySet<string>;
  /** Event names the type's `on(event, …)` overloads accept. */
  events(typeName: string): ReadonlySet<string>;
  /** The string literals of parameter `index` of the method (descending into a callback parameter with `callbackIndex`). */
  stringUnion(typeName: string, method: string, index: number, callbackIndex?: number): ReadonlySet<string>;
  /** What the member's doc comment says about the app's `ready` event, if anything. */
  readyRule(typeName: string, member: string): ReadyRule | undefined;
}

const BEFORE_READY = /(must be called|can only be (called|used)) before (the )?(`ready`|app is ready)/i;
const AFTER_READY = /(must be called after the `ready`|cannot be called before the `ready`|can only be called after (the )?app is ready|can only be called after the `ready`)/i;

export function defaultElectronDts(): string {
  if (process.env.XENDECK_ELECTRON_DTS) return process.env.XENDECK_ELECTRON_DTS;
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('electron/package.json')), 'electron.d.ts');
}

let cached: { path: string; api: ElectronApi } | undefined;

export function loadElectronApi(dtsPath = defaultElectronDts()): ElectronApi {
  if (cached?.path === dtsPath) return cached.api;
  const require = createRequire(import.meta.url);
  const version = (require('electron/package.json') as { version: string }).version;
  const program = ts.createProgram({ rootNames: [dtsPath], options: { noEmit: true, types: ['node'], skipLibCheck: true, strict: true } });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dtsPath);
  if (!source) throw new Error(`Cannot read ${dtsPath}`);

  const namespace = source.statements.find((s): s is ts.ModuleDeclaration => ts.isModuleDeclaration(s) && s.name.getText(source) === 'Electron');
  if (!namespace?.body || !ts.isModuleBlock(namespace.body)) throw new Error(`${dtsPath} has no Electron namespace`);
  const declarations = new Map<string, ts.ClassDeclaration | ts.InterfaceDeclaration>();
  const exportsOf = new Map<string, Set<string>>();
  for (const statement of namespace.body.statements) {
    if ((ts.isClassDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name) declarations.set(statement.name.text, statement);
    if (ts.isModuleDeclaration(statement) && statement.body && ts.isModuleBlock(statement.body)) {
      const names = new Set<string>();
      for (const s of statement.body.statements) {
        if (ts.isVariableStatement(s)) for (const d of s.declarationList.declarations) names.add(d.name.getText(source));
        if (ts.isClassDeclaration(s) && s.name) names.add(s.name.text);
      }
      exportsOf.set(statement.name.getText(source), names);
    }
  }

  const declaration = (typeName: string) => {
    const d = declarations.get(typeName);
    if (!d) throw new Error(`electron.d.ts (Electron ${version}) declares no ${typeName}`);
    return d;
  };
  const instanceType = (typeName: string) => checker.getTypeAtLocation(declaration(typeName));
  const property = (typeName: string, member: string) => instanceType(typeName).getProperty(member);
  const memo = new Map<string, ReadonlySet<string>>();
  const remember = (key: string, make: () => ReadonlySet<string>) => {
    if (!memo.has(key)) memo.set(key, make());
    return memo.get(key)!;
  };
  const literals = (type: ts.Type): string[] => {
    const parts = type.isUnion() ? type.types : [type];
    return parts.filter((t) => t.isStringLiteral()).map((t) => (t as ts.StringLiteralType).value);
  };
  const callSignatures = (type: ts.Type) => checker.getNonNullableType(type).getCallSignatures();

  const api: ElectronApi = {
    version,
    dtsPath,
    mainExports: new Set([...(exportsOf.get('Main') ?? []), ...(exportsOf.get('Common') ?? [])]),
    rendererExports: new Set([...(exportsOf.get('Renderer') ?? []), ...[...(exportsOf.get('Common') ?? [])].filter((n) => n === 'crashReporter' || n === 'nativeImage')]),
    members: (typeName) => remember(`m:${typeName}`, () => new Set(checker.getPropertiesOfType(instanceType(typeName)).map((p) => p.name))),
    staticMembers: (typeName) =>
      remember(`s:${typeName}`, () => {
        const d = declaration(typeName);
        if (!ts.isClassDeclaration(d) || !d.name) return new Set<string>();
        const symbol = checker.getSymbolAtLocation(d.name)!;
        return new Set(checker.getPropertiesOfType(checker.getTypeOfSymbolAtLocation(symbol, d)).map((p) => p.name).filter((n) => n !== 'prototype'));
      }),
    events: (typeName) =>
      remember(`e:${typeName}`, () => {
        const on = property(typeName, 'on');
        if (!on) return new Set<string>();
        const names = new Set<string>();
        for (const signature of checker.getTypeOfSymbol(on).getCallSignatures()) {
          const first = signature.getParameters()[0];
          if (first) for (const name of literals(checker.getTypeOfSymbol(first))) names.add(name);
        }
        return names;
      }),
    stringUnion: (typeName, method, index, callbackIndex) =>
      remember(`u:${typeName}.${method}:${index}:${callbackIndex}`, () => {
        const p = property(typeName, method);
        if (!p) throw new Error(`electron.d.ts (Electron ${version}) declares no ${typeName}.${method}`);
        const names = new Set<string>();
        for (const signature of checker.getTypeOfSymbol(p).getCallSignatures()) {
          const param = signature.getParameters()[index];
          if (!param) continue;
          let type = checker.getTypeOfSymbol(param);
          if (callbackIndex !== undefined) {
            const inner = callSignatures(type)[0]?.getParameters()[callbackIndex];
            if (!inner) continue;
            type = checker.getTypeOfSymbol(inner);
          }
          for (const name of literals(type)) names.add(name);
        }
        return names;
      }),
    readyRule: (typeName, member) => {
      const p = property(typeName, member) ?? staticProperty(typeName, member);
      if (!p) return undefined;
      const text = ts.displayPartsToString(p.getDocumentationComment(checker)).replace(/\s+/g, ' ');
      const sentence = (re: RegExp) => text.split(/(?<=\.)\s/).find((s) => re.test(s)) ?? text;
      if (BEFORE_READY.test(text)) return { when: 'before-ready', says: sentence(BEFORE_READY) };
      if (AFTER_READY.test(text)) return { when: 'after-ready', says: sentence(AFTER_READY) };
      return undefined;
    },
  };
  function staticProperty(typeName: string, member: string): ts.Symbol | undefined {
    const d = declarations.get(typeName);
    if (!d || !ts.isClassDeclaration(d) || !d.name) return undefined;
    return checker.getTypeOfSymbolAtLocation(checker.getSymbolAtLocation(d.name)!, d).getProperty(member);
  }
  cached = { path: dtsPath, api };
  return api;
}
