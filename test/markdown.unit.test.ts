import { md } from '../domain/markdown';

/** The characters that survive when `s` is rendered: escapes dropped, entities decoded. */
const rendered = (s: string) => s.replace(/\\(.)/g, '$1').replace(/&amp;/g, '&');

describe('md: outside values as literal markdown text', () => {
  it.each([
    ['links', '[Verify payment](https://evil)', '\\[Verify payment\\]\\(https\\://evil\\)'],
    ['images', '![x](https://evil/p.png)', '\\!\\[x\\]\\(https\\://evil/p.png\\)'],
    ['reference links', '[x][1]', '\\[x\\]\\[1\\]'],
    ['bare autolinks', 'see https://evil.example', 'see https\\://evil.example'],
    ['angle autolinks and HTML', '<https://evil> <img src=x onerror=alert(1)>', '\\<https\\://evil\\> \\<img src=x onerror=alert\\(1\\)\\>'],
    ['emphasis', '**Status:** cancelled _now_ ~~no~~', '\\*\\*Status:\\*\\* cancelled \\_now\\_ \\~\\~no\\~\\~'],
    ['headings', '# Paid', '\\# Paid'],
    ['backticks', '`code` ```fence```', '\\`code\\` \\`\\`\\`fence\\`\\`\\`'],
    ['table pipes', 'a | b | c', 'a \\| b \\| c'],
    ['entities', '&lt;script&gt; &amp;', '&amp;lt;script&amp;gt; &amp;amp;'],
    ['backslashes', 'C:\\path\\*', 'C:\\\\path\\\\\\*'],
    ['quote markers', '> quote', '\\> quote'],
    ['ids stay readable', 'SKU-1.2 o-1+2=3', 'SKU-1.2 o-1+2=3'],
  ])('%s', (_what, input, escaped) => {
    expect(md(input)).toBe(escaped);
    expect(rendered(md(input))).toBe(input);
  });

  it('newlines and other control characters become one space: a value stays on its line', () => {
    expect(md('Ada\n\n**Status:** cancelled')).toBe('Ada \\*\\*Status:\\*\\* cancelled');
    expect(md('x\n- item\n1. one')).toBe('x - item 1. one');
    expect(md('a\r\nb\tc\u0000d\u2028e')).toBe('a b c d e');
    expect(md('line\n# heading')).toBe('line \\# heading');
  });

  it('plain text, letters of any script and numbers pass as they are; absent is empty', () => {
    expect(md('Ada Lovelace')).toBe('Ada Lovelace');
    expect(md('Zoë Ørsted 東京')).toBe('Zoë Ørsted 東京');
    expect(md(42)).toBe('42');
    expect(md(undefined)).toBe('');
    expect(md(null)).toBe('');
  });

  it('every printable ASCII character round-trips through rendering, and none is left active', () => {
    const all = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');
    expect(rendered(md(all))).toBe(all);
    // Every markdown-active character is preceded by a backslash (or is the & of an entity).
    const escaped = md(all);
    for (const c of '[]()*_`#|<>!~\\') expect(escaped).toContain(`\\${c}`);
  });
});
