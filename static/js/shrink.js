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

/**
 * Decode `file` (a File/Blob from <input type=file>), scale it so that its long side is
 * at most `maxSide` pixels (never enlarged), and return it as a JPEG Blob.
 *
 * @param {Blob} file
 * @param {{maxSide?: number, quality?: number}} [options] quality: 0..1 JPEG quality
 * @returns {Promise<Blob>} a Blob of type 'image/jpeg'
 */
export async function shrinkPhoto(file, { maxSide = 2000, quality = 0.8 } = {}) {
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
