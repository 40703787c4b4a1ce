import { describe, expect, it } from 'vitest';
import { imageSize } from '../../../src/report/image-size.ts';

function png(width: number, height: number): Buffer {
  const bytes = Buffer.alloc(33);
  Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').copy(bytes);
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
}

describe('imageSize', () => {
  it('reads PNG, GIF and JPEG headers', () => {
    expect(imageSize('image/png', png(640, 480))).toEqual({ width: 640, height: 480 });
    const gif = Buffer.from('GIF89a\x20\x03\x58\x02', 'latin1');
    expect(imageSize('image/gif', gif)).toEqual({ width: 800, height: 600 });
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 400.
    const jpeg = Buffer.concat([
      Buffer.from('ffd8ffe00010', 'hex'),
      Buffer.alloc(14),
      Buffer.from('ffc0001108012c019003', 'hex'),
      Buffer.alloc(12),
    ]);
    expect(imageSize('image/jpeg', jpeg)).toEqual({ width: 400, height: 300 });
  });

  it('reads an SVG root width and height, else its viewBox', () => {
    const svg = (attrs: string) => Buffer.from(`<?xml version="1.0"?><svg ${attrs}><rect/></svg>`);
    expect(imageSize('image/svg+xml', svg('width="120" height="80px"'))).toEqual({
      width: 120,
      height: 80,
    });
    expect(imageSize('image/svg+xml', svg('viewBox="0 0 300 150" width="100%"'))).toEqual({
      width: 300,
      height: 150,
    });
    expect(imageSize('image/svg+xml', svg('width="10em"'))).toBeUndefined();
  });

  it('says nothing about truncated, corrupt or unknown images', () => {
    expect(imageSize('image/png', png(640, 480).subarray(0, 20))).toBeUndefined();
    expect(imageSize('image/png', png(0, 480))).toBeUndefined();
    expect(imageSize('image/jpeg', Buffer.from('ffd8ffe0ffff', 'hex'))).toBeUndefined();
    expect(imageSize('image/jpeg', Buffer.from('ffd8', 'hex'))).toBeUndefined();
    expect(imageSize('image/gif', Buffer.from('GIF87'))).toBeUndefined();
    expect(imageSize('image/webp', png(1, 1))).toBeUndefined();
  });
});
