// Where each line of each cell's source stands in the notebook file, so that an annotation
// about "cell 5, line 3" lands on that line of the .ipynb in a pull request's diff. Jupyter
// writes a cell's source as a JSON array of lines, one per line of the file; other layouts
// map each cell line to the file line where it starts.

/**
 * For each cell (by its index in `cells`), the 1-based file line of each of its source lines.
 * Cells whose source cannot be placed are missing. Expects text that JSON.parse accepted.
 */
export function cellSourceLines(text: string): Map<number, number[]> {
  const found = new Map<number, number[]>();
  const scanner = new Scanner(text);
  scanner.skipSpace();
  if (scanner.peek() !== '{') return found;
  scanner.objectEntries((key) => {
    if (key !== 'cells' || scanner.peek() !== '[') return scanner.skipValue();
    scanner.arrayItems((cellIndex) => {
      if (scanner.peek() !== '{') return scanner.skipValue();
      scanner.objectEntries((cellKey) => {
        if (cellKey !== 'source') return scanner.skipValue();
        const pieces: Array<{ line: number; text: string }> = [];
        if (scanner.peek() === '"') {
          pieces.push({ line: scanner.line, text: scanner.readString() });
        } else if (scanner.peek() === '[') {
          scanner.arrayItems(() => {
            if (scanner.peek() !== '"') return scanner.skipValue();
            pieces.push({ line: scanner.line, text: scanner.readString() });
          });
        } else {
          return scanner.skipValue();
        }
        found.set(cellIndex, linesOf(pieces));
      });
    });
  });
  return found;
}

/** Each source line's file line: the line of the piece it starts in. */
function linesOf(pieces: ReadonlyArray<{ line: number; text: string }>): number[] {
  const out: number[] = [];
  let atLineStart = true;
  for (const piece of pieces) {
    for (let i = 0; i < piece.text.length; i++) {
      if (atLineStart) out.push(piece.line);
      atLineStart = piece.text[i] === '\n';
    }
  }
  return out;
}

/** Just enough of a JSON reader to walk objects and arrays and count lines. */
class Scanner {
  private pos = 0;
  line = 1;
  private readonly text: string;
  constructor(text: string) {
    this.text = text;
    // A byte-order mark is no JSON (parseNotebook drops it too).
    if (text.startsWith('\uFEFF')) this.pos = 1;
  }

  peek(): string {
    return this.text[this.pos] ?? '';
  }

  skipSpace(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === '\n') this.line++;
      else if (c !== ' ' && c !== '\t' && c !== '\r') return;
      this.pos++;
    }
  }

  /** Calls `onEntry` with the reader at each value; the callback must consume it. */
  objectEntries(onEntry: (key: string) => void): void {
    this.pos++; // {
    this.skipSpace();
    while (this.peek() !== '}' && this.peek() !== '') {
      const key = this.readString();
      this.skipSpace();
      this.pos++; // :
      this.skipSpace();
      onEntry(key);
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      this.skipSpace();
    }
    this.pos++; // }
  }

  arrayItems(onItem: (index: number) => void): void {
    this.pos++; // [
    this.skipSpace();
    for (let index = 0; this.peek() !== ']' && this.peek() !== ''; index++) {
      onItem(index);
      this.skipSpace();
      if (this.peek() === ',') this.pos++;
      this.skipSpace();
    }
    this.pos++; // ]
  }

  readString(): string {
    const start = this.pos;
    this.skipString();
    // A JSON string holds no raw line break, so the line count stands.
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private skipString(): void {
    this.pos++; // "
    while (this.pos < this.text.length && this.text[this.pos] !== '"') {
      this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    }
    this.pos++; // "
  }

  /** Skips any value without recursion: a hostile notebook decides how deep it nests. */
  skipValue(): void {
    const first = this.peek();
    if (first === '"') return this.skipString();
    if (first !== '{' && first !== '[') {
      while (this.peek() !== '' && !/[,}\]\s]/.test(this.peek())) this.pos++;
      return;
    }
    let depth = 0;
    do {
      const c = this.peek();
      if (c === '') return;
      if (c === '"') {
        this.skipString();
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') depth--;
      else if (c === '\n') this.line++;
      this.pos++;
    } while (depth > 0);
  }
}
