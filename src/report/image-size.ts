/** Width and height of an image from its first bytes, without decoding it. */
export interface ImageSize {
  width: number;
  height: number;
}

/** PNG, GIF, JPEG (its first frame header) and SVG (its root's width/height or viewBox). */
export function imageSize(mimeType: string, bytes: Buffer): ImageSize | undefined {
  switch (mimeType) {
    case 'image/png':
      return pngSize(bytes);
    case 'image/gif':
      return gifSize(bytes);
    case 'image/jpeg':
      return jpegSize(bytes);
    case 'image/svg+xml':
      return svgSize(bytes);
    default:
      return undefined;
  }
}

function valid(width: number, height: number): ImageSize | undefined {
  return width > 0 && height > 0 && Number.isFinite(width) && Number.isFinite(height)
    ? { width, height }
    : undefined;
}

function pngSize(bytes: Buffer): ImageSize | undefined {
  // Signature, then the IHDR chunk: length, "IHDR", width, height.
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return valid(bytes.readUInt32BE(16), bytes.readUInt32BE(20));
}

function gifSize(bytes: Buffer): ImageSize | undefined {
  if (bytes.length < 10 || !/^GIF8[79]a$/.test(bytes.toString('latin1', 0, 6))) return undefined;
  return valid(bytes.readUInt16LE(6), bytes.readUInt16LE(8));
}

function jpegSize(bytes: Buffer): ImageSize | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return undefined;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++;
      continue;
    }
    // Start-of-frame markers (not DHT C4, JPG C8, DAC CC) hold the size.
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return valid(bytes.readUInt16BE(i + 7), bytes.readUInt16BE(i + 5));
    }
    if (marker === 0xd9 || marker === 0xda) return undefined;
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return undefined;
}

function svgSize(bytes: Buffer): ImageSize | undefined {
  const root = /<svg\b([^>]*)>/i.exec(bytes.toString('utf8', 0, 8192))?.[1];
  if (!root) return undefined;
  const attribute = (name: string) =>
    new RegExp(`\\s${name}\\s*=\\s*["']([^"']*)["']`, 'i').exec(root)?.[1]?.trim();
  const length = (text: string | undefined) => {
    const match = /^(\d+(?:\.\d+)?)(px)?$/.exec(text ?? '');
    return match ? Number(match[1]) : NaN;
  };
  const size = valid(length(attribute('width')), length(attribute('height')));
  if (size) return size;
  const box = (attribute('viewBox') ?? '').split(/[\s,]+/).map(Number);
  return box.length === 4 ? valid(box[2]!, box[3]!) : undefined;
}
