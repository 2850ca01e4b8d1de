// One journal event as a list item: local time, name, description, and its
// cause as a link to the event that led to it (when that is on the page).
import { el } from './dom.js';
import { describeEvent } from '../../events/describe.js';
import { formatTime } from '../../cli/time-format.js';

export interface Ev {
  name: string;
  at: number;
  id?: string;
  cause?: string | null;
  reason?: string | null;
  [k: string]: unknown;
}

export function eventItem(e: Ev): HTMLLIElement {
  const li = el('li', { 'data-name': e.name, id: e.id ? `ev-${e.id}` : undefined }, el('time', {}, formatTime(e.at)), ' ', el('span', { class: 'ev' }, e.name), ' ', describeEvent(e));
  if (e.cause) {
    const link = el('a', { href: `#ev-${e.cause}`, class: 'cause-link', title: 'the event that caused this one' }, '← cause');
    link.onclick = (ev) => {
      ev.preventDefault();
      const target = document.getElementById(`ev-${e.cause}`);
      if (!target) return void (link.textContent = `← cause ${e.cause} (older than this list; engine why shows it)`);
      target.scrollIntoView({ block: 'center' });
      target.classList.add('flash');
      setTimeout(() => target.classList.remove('flash'), 1500);
    };
    li.append(' ', link);
  }
  return li;
}
