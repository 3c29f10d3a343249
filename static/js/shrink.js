// Shrink a photo picked or captured on the phone before it is uploaded.
//
//   import { shrinkPhoto } from '/static/js/shrink.js';
//   const blob = await shrinkPhoto(input.files[0]);          // JPEG, long side <= 2000 px
//   formData.append('photo', blob, 'photo.jpg');
//
// A 12-megapixel camera photo (3-6 MB) becomes a few hundred KB: faster and cheaper to
// send on a weak mobile connection. The picture is decoded upright (EXIF orientation
// applied), drawn on a canvas (transparent areas become white) and re-encoded as JPEG,
// which also drops EXIF data such as the GPS position. The server still checks and
// re-encodes every upload; this is only to save the citizen's data and time.
//
// This module never uploads anything. Errors are ShrinkError objects whose `message` is a
// Vietnamese sentence that can be shown to the citizen as is, and whose `code` is
// 'not_image' (the file cannot be decoded as a picture) or 'encode_failed'.

export class ShrinkError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'ShrinkError';
    this.code = code;
  }
}

const MSG_NOT_IMAGE =
  'Không mở được ảnh này. Hãy chụp lại trang giấy tờ hoặc chọn một ảnh khác.';
const MSG_ENCODE =
  'Không thu nhỏ được ảnh trên điện thoại này. Hãy thử lại, hoặc chụp lại ảnh giấy tờ.';

// Decode the file upright. Returns {image, width, height, release}.
async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
      return {
        image: bitmap,
        width: bitmap.width,
        height: bitmap.height,
        release: () => bitmap.close(),
      };
    } catch (err) {
      // Older engines reject the options bag or some formats: try an <img> instead.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const img = new Image();
    img.decoding = 'async';
    await new Promise((resolve, reject) => {
      img.onload = resolve;
      img.onerror = () => reject(new Error('image failed to load'));
      img.src = url;
    });
    // <img> applies EXIF orientation (CSS image-orientation: from-image is the default),
    // and naturalWidth/naturalHeight are the upright dimensions.
    return {
      image: img,
      width: img.naturalWidth,
      height: img.naturalHeight,
      release: () => {
        URL.revokeObjectURL(url);
        img.removeAttribute('src');
      },
    };
  } catch (err) {
    URL.revokeObjectURL(url);
    throw err;
  }
}

function makeCanvas(width, height) {
  if (typeof OffscreenCanvas === 'function') {
    try {
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d', { alpha: false });
      if (ctx) return { canvas, ctx };
    } catch (err) {
      // Fall through to a DOM canvas (e.g. OffscreenCanvas without 2D support).
    }
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new ShrinkError('encode_failed', MSG_ENCODE);
  return { canvas, ctx };
}

function encodeJpeg(canvas, quality) {
  if (typeof canvas.convertToBlob === 'function') {
    return canvas.convertToBlob({ type: 'image/jpeg', quality });
  }
  return new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality));
}

// Document mode, for the photos of papers: contrast stretched (the paper's
// grey becomes white, the ink black), a smaller long side and a lower JPEG
// quality, which text survives far better than a photo's textures do; about
// half the bytes of a page, measured with Tesseract by `make bench-shrink`.
// `grey` also drops the colour: for the forms the app printed (black ink on
// white), never for papers whose red seal an officer checks.
export const DOCUMENT = { maxSide: 1600, quality: 0.6, paper: true };
export const DOCUMENT_GREY = { ...DOCUMENT, grey: true };

// Levels from the darkest and brightest percent of the picture to 0 and
// 255, the same for every channel so a red seal stays red.
function normalise(ctx, w, h, grey) {
  const image = ctx.getImageData(0, 0, w, h);
  const { data } = image;
  const histogram = new Uint32Array(256);
  for (let i = 0; i < data.length; i += 4) {
    histogram[(data[i] * 77 + data[i + 1] * 150 + data[i + 2] * 29) >> 8]++;
  }
  const n = w * h;
  const level = (share) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v];
      if (seen >= n * share) return v;
    }
    return 255;
  };
  const low = level(0.01);
  const high = Math.max(low + 32, level(0.9)); // most of a page is paper
  const scale = 255 / (high - low);
  const map = new Uint8ClampedArray(256);
  for (let v = 0; v < 256; v++) map[v] = (v - low) * scale;
  for (let i = 0; i < data.length; i += 4) {
    if (grey) {
      const y = map[(data[i] * 77 + data[i + 1] * 150 + data[i + 2] * 29) >> 8];
      data[i] = data[i + 1] = data[i + 2] = y;
    } else {
      data[i] = map[data[i]];
      data[i + 1] = map[data[i + 1]];
      data[i + 2] = map[data[i + 2]];
    }
  }
  ctx.putImageData(image, 0, 0);
}

/**
 * Decode `file` (a File/Blob from <input type=file>), scale it so that its long side is
 * at most `maxSide` pixels (never enlarged), and return it as a JPEG Blob.
 *
 * @param {Blob} file
 * @param {{maxSide?: number, quality?: number, paper?: boolean, grey?: boolean}} [options]
 *   quality: 0..1 JPEG quality; paper: stretch the contrast of a paper (DOCUMENT)
 * @returns {Promise<Blob>} a Blob of type 'image/jpeg'
 */
export async function shrinkPhoto(
  file, { maxSide = 2000, quality = 0.8, paper = false, grey = false } = {},
) {
  if (!(file instanceof Blob)) {
    throw new TypeError('shrinkPhoto: file must be a File or Blob');
  }
  if (!(Number.isFinite(maxSide) && maxSide >= 1)) {
    throw new RangeError('shrinkPhoto: maxSide must be a number >= 1');
  }
  const q = Math.min(1, Math.max(0, Number.isFinite(quality) ? quality : 0.8));

  let source;
  try {
    source = await decode(file);
  } catch (err) {
    throw new ShrinkError('not_image', MSG_NOT_IMAGE, { cause: err });
  }

  let canvas;
  try {
    const { width, height } = source;
    if (!width || !height) throw new ShrinkError('not_image', MSG_NOT_IMAGE);
    const scale = Math.min(1, Math.floor(maxSide) / Math.max(width, height));
    const w = Math.max(1, Math.round(width * scale));
    const h = Math.max(1, Math.round(height * scale));

    const made = makeCanvas(w, h);
    canvas = made.canvas;
    const ctx = made.ctx;
    ctx.fillStyle = '#fff'; // transparent PNG areas become white, not black
    ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(source.image, 0, 0, w, h);
    if (paper) normalise(ctx, w, h, grey);

    let blob;
    try {
      blob = await encodeJpeg(canvas, q);
    } catch (err) {
      throw new ShrinkError('encode_failed', MSG_ENCODE, { cause: err });
    }
    if (!blob || blob.type !== 'image/jpeg' || blob.size === 0) {
      throw new ShrinkError('encode_failed', MSG_ENCODE);
    }
    return blob;
  } finally {
    source.release();
    if (canvas) {
      // Free the pixel buffer now: low-memory phones (and iOS Safari's canvas memory
      // limit) suffer when several photos are processed in a row.
      canvas.width = 0;
      canvas.height = 0;
    }
  }
}
