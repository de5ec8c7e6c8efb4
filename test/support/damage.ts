/**
 * Seeded damage to XML text, the ways transfers and hand edits damage it: cut short, a run of characters lost, a
 * chunk pasted elsewhere, an element's text emptied, an element doubled, an attribute value replaced by an odd one.
 * For the robustness tests of the readers (a failure names a reproducible case).
 */

/** A small deterministic generator (a linear congruential one: quality does not matter here, repeatability does). */
export function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const ODD_VALUES = ['', 'x', '::', 'NCCIC:Observable-1', '-1', '99999999999999999999', 'true', '&amp;', 'tlp:amber'];

/** One kind of damage at a random place; returns the damaged text and a description for the failure message. */
export function damage(text: string, rand: () => number): { text: string; what: string } {
  const at = Math.floor(rand() * text.length);
  const len = Math.floor(rand() * 200);
  switch (Math.floor(rand() * 6)) {
    case 0:
      return { text: text.slice(0, at), what: `cut at ${at}` };
    case 1:
      return { text: text.slice(0, at) + text.slice(at + len), what: `${len} characters lost at ${at}` };
    case 2: {
      const from = Math.floor(rand() * text.length);
      return { text: text.slice(0, at) + text.slice(from, from + len) + text.slice(at), what: `${len} characters from ${from} pasted at ${at}` };
    }
    case 3: {
      const open = text.indexOf('>', at);
      const next = text.indexOf('<', open);
      return open > 0 && next > open ? { text: text.slice(0, open + 1) + text.slice(next), what: `text emptied after ${open}` } : { text, what: 'unchanged' };
    }
    case 4: {
      const start = text.indexOf('<', at);
      const close = text.indexOf('</', start);
      const end = close > start ? text.indexOf('>', close) : -1;
      return end > 0 ? { text: text.slice(0, end + 1) + text.slice(start, end + 1) + text.slice(end + 1), what: `chunk ${start}–${end} doubled` } : { text, what: 'unchanged' };
    }
    default: {
      const q = text.indexOf('="', at);
      const endQ = text.indexOf('"', q + 2);
      const odd = ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)]!;
      return q > 0 && endQ > q ? { text: text.slice(0, q + 2) + odd + text.slice(endQ), what: `attribute value at ${q} set to "${odd}"` } : { text, what: 'unchanged' };
    }
  }
}
