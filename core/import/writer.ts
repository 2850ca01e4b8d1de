// The draft as a pitfile a person would have written: keys in the order
// docs/pitfile.md shows them, each note as a comment just above the key it
// is about, and a head that names the source. Comments go through the yaml
// library's Document API, so the text stays valid YAML however notes read.
import { basename } from 'node:path';
import { Document, isMap, isPair, isScalar, isSeq, visit, type Pair, type YAMLMap } from 'yaml';
import type { Draft, Spec } from './draft.js';

const keyOrder = ['command', 'cwd', 'env', 'env_file', 'autostart', 'profiles', 'depends_on', 'restart', 'stop', 'limits', 'health', 'logs'];

const ordered = (spec: Spec): Spec =>
  Object.fromEntries(Object.entries(spec).sort(([a], [b]) => rank(a) - rank(b)));
const rank = (k: string) => (keyOrder.includes(k) ? keyOrder.indexOf(k) : keyOrder.length);

/** The pitfile text for `draft`; deterministic: the same source gives the same bytes. */
export function writePitfile(draft: Draft): string {
  const processes = Object.fromEntries([...draft.processes].map(([name, p]) => [name, ordered(p.spec)]));
  const data: Spec = { version: 1, processes };
  if (draft.watchers.size) data.watchers = Object.fromEntries([...draft.watchers].map(([n, w]) => [n, w.spec]));
  if (draft.reactions.length) data.reactions = draft.reactions.map((r) => r.spec);
  const doc = new Document(data);
  // Short lists of words read best on one line: command: [node, server.js].
  visit(doc, {
    Seq(_, seq) {
      if (seq.items.every(isScalar) && JSON.stringify(seq.toJSON()).length <= 80) seq.flow = true;
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === 'do' && isSeq(pair.value)) pair.value.flow = true;
    },
  });

  doc.commentBefore = lines([
    `Imported from ${basename(draft.opts.file)} (${draft.format}) by "engine import".`,
    'Lines marked "not mapped" name what Pit could not carry over; check them, then run: engine validate',
    ...draft.head,
  ]);
  const procMap = doc.get('processes', true) as YAMLMap;
  for (const [name, p] of draft.processes) {
    const pair = pairOf(procMap, name);
    if (!pair) continue;
    const own = [...(p.comments.get('') ?? [])];
    for (const [key, texts] of p.comments) {
      if (!key) continue;
      const inner = isMap(pair.value) ? pairOf(pair.value, key) : undefined;
      if (inner) comment(inner, texts);
      else own.push(...texts.map((t) => `${key}: ${t}`));
    }
    if (own.length) comment(pair, own);
  }
  const watchMap = doc.get('watchers', true) as YAMLMap | undefined;
  for (const [name, w] of draft.watchers) {
    const pair = watchMap && pairOf(watchMap, name);
    if (pair) comment(pair, w.comments);
  }
  const reactions = doc.get('reactions', true) as { items: unknown[] } | undefined;
  draft.reactions.forEach((r, i) => {
    const node = reactions?.items[i] as { commentBefore?: string } | undefined;
    if (node) node.commentBefore = lines(r.comments);
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === key) as Pair | undefined;
}

function comment(pair: Pair, texts: string[]): void {
  if (isScalar(pair.key)) pair.key.commentBefore = lines(texts);
}

/** One "# text" line per line of text; the library adds the "#". */
const lines = (texts: string[]) =>
  texts
    .flatMap((t) => String(t).split(/\r?\n/))
    .map((t) => ` ${t}`)
    .join('\n');
