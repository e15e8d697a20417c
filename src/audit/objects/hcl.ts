/**
 * A tolerant reader of HCL (Terraform's native syntax) that keeps line numbers: blocks with their
 * labels, attributes with the raw text of their expressions. It does not evaluate anything; an audit
 * needs to know that `resource "aws_iam_policy"` is written on line 12, not what it computes.
 * See docs/decisions/0010-audit-reads-hcl-itself.md for why this is not a library.
 */

interface HclAttribute {
  readonly name: string;
  /** The unquoted content of a plain string or heredoc; the raw source of any other expression. */
  readonly value: string;
  readonly line: number;
}

export interface HclBlock {
  readonly type: string;
  readonly labels: readonly string[];
  readonly line: number;
  readonly attributes: readonly HclAttribute[];
  readonly blocks: readonly HclBlock[];
}

type TokenType = 'ident' | 'string' | 'nl' | 'punct' | 'other';
interface Token {
  readonly type: TokenType;
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
}

export function parseHcl(text: string): HclBlock[] {
  const tokens = tokenize(text);
  const parser = new BodyParser(text, tokens);
  return parser.body(false).blocks;
}

class BodyParser {
  readonly #text: string;
  readonly #tokens: readonly Token[];
  #tokenIndex = 0;

  constructor(text: string, tokens: readonly Token[]) {
    this.#text = text;
    this.#tokens = tokens;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#tokenIndex];
  }

  body(nested: boolean): { attributes: HclAttribute[]; blocks: HclBlock[] } {
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    for (let tok = this.#peek(); tok !== undefined; tok = this.#peek()) {
      if (tok.type === 'punct' && tok.text === '}') {
        if (nested) return { attributes, blocks };
        this.#tokenIndex++;
        continue;
      }
      if (tok.type !== 'ident' && tok.type !== 'string') {
        this.#tokenIndex++;
        continue;
      }
      this.#tokenIndex++;
      const next = this.#peek();
      if (next?.type === 'punct' && (next.text === '=' || next.text === ':')) {
        this.#tokenIndex++;
        attributes.push({ name: tok.text, line: tok.line, value: this.#expression() });
        continue;
      }
      const labels: string[] = [];
      let t = this.#peek();
      while (t !== undefined && (t.type === 'string' || t.type === 'ident')) {
        labels.push(t.text);
        this.#tokenIndex++;
        t = this.#peek();
      }
      if (t?.type === 'punct' && t.text === '{') {
        this.#tokenIndex++;
        const inner = this.body(true);
        if (this.#peek()?.text === '}') this.#tokenIndex++;
        blocks.push({ type: tok.text, labels, line: tok.line, ...inner });
      } else {
        this.#skipLine();
      }
    }
    return { attributes, blocks };
  }

  /** Everything up to the end of the line at bracket depth 0 (or the `}` closing the block). */
  #expression(): string {
    const first = this.#peek();
    let depth = 0;
    let last: Token | undefined;
    for (let tok = this.#peek(); tok !== undefined; tok = this.#peek()) {
      if (depth === 0 && (tok.type === 'nl' || tok.text === '}' || tok.text === ',')) break;
      if (tok.type === 'punct') {
        if ('([{'.includes(tok.text)) depth++;
        else if (')]}'.includes(tok.text)) depth--;
      }
      last = tok;
      this.#tokenIndex++;
    }
    if (first === undefined || last === undefined) return '';
    if (first === last && first.type === 'string') return first.text;
    return this.#text.slice(first.start, last.end);
  }

  #skipLine(): void {
    for (let tok = this.#peek(); tok !== undefined && tok.type !== 'nl'; tok = this.#peek())
      this.#tokenIndex++;
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  const push = (type: TokenType, value: string, start: number, end: number, atLine: number) =>
    tokens.push({ type, text: value, start, end, line: atLine });
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      push('nl', '\n', i, i + 1, line);
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      const lines = countNewlines(text, i, end);
      if (lines > 0) push('nl', '\n', i, end, line);
      line += lines;
      i = end;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      push('string', text.slice(i + 1, end - 1), i, end, line);
      line += countNewlines(text, i, end);
      i = end;
    } else if (c === '<' && text[i + 1] === '<' && /^<<-?[A-Za-z_]/.test(text.slice(i, i + 4))) {
      const header = /^<<-?([A-Za-z_][\w]*)[^\n]*\n/.exec(text.slice(i, i + 200));
      if (!header) {
        push('other', c, i, i + 1, line);
        i++;
        continue;
      }
      const bodyStart = i + header[0].length;
      const closing = new RegExp(`^[ \\t]*${header[1]}[ \\t]*$`, 'm');
      const match = closing.exec(text.slice(bodyStart));
      const bodyEnd = match ? bodyStart + match.index : n;
      const end = match ? bodyEnd + match[0].length : n;
      push('string', text.slice(bodyStart, bodyEnd), i, end, line);
      line += countNewlines(text, i, end);
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w-]/.test(text[j]!)) j++;
      push('ident', text.slice(i, j), i, j, line);
      i = j;
    } else if ('{}[]()=,:'.includes(c)) {
      push('punct', c, i, i + 1, line);
      i++;
    } else {
      push('other', c, i, i + 1, line);
      i++;
    }
  }
  return tokens;
}

/** Index just past the closing quote of the string starting at `start`, skipping `${...}` templates. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else if ((c === '$' || c === '%') && text[i + 1] === '{') i = templateEnd(text, i + 2);
    else if (c === '\n')
      return i; // an unterminated string ends with its line
    else i++;
  }
  return text.length;
}

function templateEnd(text: string, start: number): number {
  let depth = 1;
  let i = start;
  while (i < text.length && depth > 0) {
    const c = text[i];
    if (c === '"') {
      i = stringEnd(text, i);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth--;
    i++;
  }
  return i;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}
