import { join } from 'node:path';

import * as ts from 'typescript';

/**
 * The public API of @chain/auth stays small and documented (docs/auth.md): at most 30 exported names,
 * each with TSDoc where it is declared.
 */
describe('@chain/auth public API', () => {
  const root = join(__dirname, '..', '..', '..');
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const entry = join(__dirname, 'index.ts');
  const program = ts.createProgram([entry], { ...parsed.options, noEmit: true, incremental: false });
  const checker = program.getTypeChecker();
  const module = checker.getSymbolAtLocation(program.getSourceFile(entry)!)!;
  const exported = checker.getExportsOfModule(module);

  it('exports at most 30 names', () => {
    expect(exported.length).toBeGreaterThan(0);
    expect(exported.length).toBeLessThanOrEqual(30);
  });

  it('documents every exported name with TSDoc', () => {
    const undocumented = exported
      .filter((symbol) => {
        const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
        return ts.displayPartsToString(target.getDocumentationComment(checker)).trim() === '';
      })
      .map((symbol) => symbol.name);
    expect(undocumented).toEqual([]);
  });
});
