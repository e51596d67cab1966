import { Transform, type TransformCallback } from 'node:stream';

/** A pass-through stream that fails once more than `maxBytes` went through it. */
export class ByteLimit extends Transform {
  private seen = 0;
  /** True once the limit was crossed (the stream then errored). */
  exceeded = false;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      this.exceeded = true;
      done(new Error(`more than ${this.maxBytes} bytes`));
      return;
    }
    done(null, chunk);
  }
}
