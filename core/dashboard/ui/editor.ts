// The pitfile editor: CodeMirror 6 with YAML, line numbers, the engine's
// own problems as markers at their line:column (with the fix), and key
// completion from the pitfile's schema. A chunk of its own, loaded when the
// Config view opens, so the overview's script stays small.
import { EditorView, basicSetup } from 'codemirror';
import { yaml } from '@codemirror/lang-yaml';
import { linter, lintGutter, forceLinting, type Diagnostic } from '@codemirror/lint';
import { autocompletion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { EditorState, Compartment } from '@codemirror/state';
import { oneDark } from '@codemirror/theme-one-dark';
import { keysAt, pathAt } from './schema-completion.js';

export interface Problem { line: number | null; column: number | null; path: string | null; message: string; code: string; fix?: string | null }

export interface PitfileEditor {
  text(): string;
  setText(text: string): void;
  /** Check now instead of after the typing pause. */
  check(): void;
  destroy(): void;
}

/** Where a problem's marker goes: its line:column to the end of the word there (the whole line when only the line is known). */
function range(state: EditorState, p: Problem): { from: number; to: number } {
  const doc = state.doc;
  const line = doc.line(Math.min(Math.max(p.line ?? 1, 1), doc.lines));
  if (p.column === null || p.line === null) return { from: line.from, to: line.to };
  const from = Math.min(line.from + Math.max(p.column - 1, 0), line.to);
  const word = /^[^\s,\]}]+/.exec(line.text.slice(from - line.from))?.[0].length ?? 0;
  return { from, to: Math.max(from + word, Math.min(from + 1, line.to)) };
}

function complete(ctx: CompletionContext): CompletionResult | null {
  const word = ctx.matchBefore(/[\w-]*/);
  const line = ctx.state.doc.lineAt(ctx.pos);
  const before = line.text.slice(0, ctx.pos - line.from);
  // A key stands first on its line (after indentation or "- "), before any colon.
  const m = /^(\s*)(- +)?[\w-]*$/.exec(before);
  if (!m || !word || (word.from === word.to && !ctx.explicit)) return null;
  const indent = m[1].length + (m[2]?.length ?? 0);
  const lines = ctx.state.doc.toString().split('\n');
  const path = pathAt(lines, line.number - 1, indent);
  if (m[2]) path.push('-');
  const options = keysAt(path).map((k) => ({ label: k.key, type: 'property', info: k.description || undefined, apply: `${k.key}: ` }));
  return options.length ? { from: word.from, options, validFor: /^[\w-]*$/ } : null;
}

/**
 * An editor in `parent` holding `text`; `validate` asks the engine for the
 * problems of a text, and `onProblems` hears them (for the list beside it).
 */
export function createEditor(parent: HTMLElement, text: string, opts: { dark: boolean; validate: (text: string) => Promise<Problem[]>; onProblems: (p: Problem[]) => void; onChange: () => void }): PitfileEditor {
  const theme = new Compartment();
  const lint = linter(
    async (view) => {
      const problems = await opts.validate(view.state.doc.toString());
      opts.onProblems(problems);
      return problems.map((p): Diagnostic => ({
        ...range(view.state, p),
        severity: 'error',
        source: p.code,
        message: `${p.path ? `${p.path}: ` : ''}${p.message}${p.fix ? `\nfix: ${p.fix}` : ''}`,
      }));
    },
    { delay: 300 },
  );
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        basicSetup,
        yaml(),
        lintGutter(),
        lint,
        autocompletion({ override: [complete] }),
        EditorState.tabSize.of(2),
        theme.of(opts.dark ? oneDark : []),
        EditorView.contentAttributes.of({ 'aria-label': 'pitfile.yaml' }),
        EditorView.updateListener.of((u) => u.docChanged && opts.onChange()),
      ],
    }),
  });
  // The theme follows the page's when the person switches it.
  const watch = new MutationObserver(() => view.dispatch({ effects: theme.reconfigure(isDark() ? oneDark : []) }));
  watch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return {
    text: () => view.state.doc.toString(),
    setText: (t) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: t } }),
    check: () => forceLinting(view),
    destroy: () => {
      watch.disconnect();
      view.destroy();
    },
  };
}

/** Whether the page shows its dark colours (chosen, or the system's with no choice). */
export function isDark(): boolean {
  const chosen = document.documentElement.dataset.theme;
  return chosen ? chosen === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
}
