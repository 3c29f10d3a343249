// The photo check before a page is kept: blurred, too dark, burnt out, glare,
// or a page that does not fill the frame. Everything runs on a grey copy
// of the photo downscaled to CHECK_SIDE pixels, in a few tens of
// milliseconds on a phone; nothing leaves the phone. The citizen is told
// what is wrong and how to fix it, and may keep the photo anyway: the check
// advises, it never refuses.
//
// The thresholds were set from a generated test set of sharp, blurred,
// dark, burnt-out, glared and too-small photos of a form: `make
// bench-photo-check` (bench/photo_check_bench.py) prints their true and
// false warning rates.

export const CHECK_SIDE = 640;

export const THRESHOLDS = {
  // Variance of the 4-neighbour Laplacian of the grey image, over the page.
  sharpness: 800,
  // Mean grey level (0-255) of the whole picture.
  dark: 70,
  // Share of the page's pixels at 250 or more: the page is burnt out.
  burnt: 0.3,
  // Share of burnt pixels in the worst cell of an 8 x 8 grid over the page,
  // when the page as a whole is not burnt out: a glare patch.
  glare: 0.15,
  // Share of the frame (rows x columns) the page covers.
  fill: 0.45,
};

export const ADVICE = {
  blurred: 'Ảnh bị mờ: giữ yên điện thoại và chụp lại. Chạm vào tờ giấy trên màn hình để lấy nét.',
  dark: 'Ảnh quá tối: chụp ở nơi sáng hơn, hoặc bật đèn, rồi chụp lại.',
  burnt: 'Ảnh quá sáng, mất chữ: tránh nắng hoặc đèn chiếu thẳng vào tờ giấy, rồi chụp lại.',
  glare: 'Ảnh có vệt lóa che chữ: nghiêng điện thoại một chút hoặc tắt đèn flash, rồi chụp lại.',
  small: 'Tờ giấy chưa chiếm đủ khung ảnh: đưa điện thoại lại gần cho tờ giấy gần kín khung, ' +
    'vẫn thấy đủ 4 góc, rồi chụp lại.',
};

const grey = (data, i) => 0.299 * data[i] + 0.587 * data[i + 1] + 0.114 * data[i + 2];

// Otsu's threshold of a 256-bin histogram: separates the paper from the table.
function otsu(histogram, total) {
  let sum = 0;
  for (let i = 0; i < 256; i++) sum += i * histogram[i];
  let sumB = 0, weightB = 0, best = 0, threshold = 127;
  for (let i = 0; i < 256; i++) {
    weightB += histogram[i];
    if (!weightB) continue;
    const weightF = total - weightB;
    if (!weightF) break;
    sumB += i * histogram[i];
    const meanB = sumB / weightB;
    const meanF = (sum - sumB) / weightF;
    const between = weightB * weightF * (meanB - meanF) ** 2;
    if (between > best) {
      best = between;
      threshold = i;
    }
  }
  return threshold;
}

// The page's box: the rows and columns mostly brighter than Otsu's threshold.
function pageBox(lum, width, height, threshold) {
  const rows = [], cols = new Array(width).fill(0);
  for (let y = 0; y < height; y++) {
    let bright = 0;
    for (let x = 0; x < width; x++) {
      if (lum[y * width + x] > threshold) {
        bright++;
        cols[x]++;
      }
    }
    rows.push(bright / width);
  }
  const span = (profile, size, share) => {
    const kept = profile.map((v, i) => [v / size, i]).filter(([v]) => v > share).map(([, i]) => i);
    return kept.length ? [kept[0], kept[kept.length - 1]] : [0, -1];
  };
  const [top, bottom] = span(rows.map((r) => r * width), width, 0.4);
  const [left, right] = span(cols, height, 0.4);
  return { top, bottom, left, right };
}

/** The check's measures of one picture (ImageData of the downscaled photo). */
export function measure({ data, width, height }) {
  const n = width * height;
  const lum = new Float32Array(n);
  const histogram = new Array(256).fill(0);
  let total = 0;
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    const v = grey(data, i);
    lum[p] = v;
    total += v;
    histogram[Math.min(255, Math.round(v))]++;
  }
  const mean = total / n;
  const threshold = otsu(histogram, n);
  let box = pageBox(lum, width, height, threshold);
  let fill = Math.max(0, box.bottom - box.top + 1) * Math.max(0, box.right - box.left + 1) / n;
  // A page with no table around it (or a photo with no clear page) is
  // measured over the whole frame.
  if (fill < 0.02) {
    box = { top: 0, bottom: height - 1, left: 0, right: width - 1 };
  }
  // Over the page only: the table's grain is neither text nor blur.
  let lapSum = 0, lapSq = 0, count = 0, burnt = 0, pageCount = 0;
  const cells = 8;
  const cellBurnt = new Array(cells * cells).fill(0);
  const cellCount = new Array(cells * cells).fill(0);
  const boxW = box.right - box.left + 1, boxH = box.bottom - box.top + 1;
  for (let y = box.top; y <= box.bottom; y++) {
    const cy = Math.min(cells - 1, Math.floor(((y - box.top) * cells) / boxH));
    for (let x = box.left; x <= box.right; x++) {
      const p = y * width + x;
      const v = lum[p];
      const cx = Math.min(cells - 1, Math.floor(((x - box.left) * cells) / boxW));
      const cell = cy * cells + cx;
      cellCount[cell]++;
      pageCount++;
      if (v >= 250) {
        burnt++;
        cellBurnt[cell]++;
      }
      if (x > 0 && y > 0 && x < width - 1 && y < height - 1) {
        const lap = lum[p - 1] + lum[p + 1] + lum[p - width] + lum[p + width] - 4 * v;
        lapSum += lap;
        lapSq += lap * lap;
        count++;
      }
    }
  }
  const lapMean = count ? lapSum / count : 0;
  let glare = 0;
  for (let c = 0; c < cells * cells; c++) {
    if (cellCount[c]) glare = Math.max(glare, cellBurnt[c] / cellCount[c]);
  }
  return {
    sharpness: count ? lapSq / count - lapMean * lapMean : 0,
    mean,
    burnt: pageCount ? burnt / pageCount : 0,
    glare,
    fill: Math.min(1, fill),
  };
}

/** What is wrong with a picture of these measures: [{code, message}], most serious first. */
export function problems(m, t = THRESHOLDS) {
  const found = [];
  if (m.mean < t.dark) found.push('dark');
  else if (m.burnt > t.burnt) found.push('burnt');
  else if (m.glare > t.glare) found.push('glare');
  // A dark or burnt-out picture has no edges left to judge sharpness by.
  if (!found.length && m.sharpness < t.sharpness) found.push('blurred');
  if (m.fill < t.fill) found.push('small');
  return found.map((code) => ({ code, message: ADVICE[code] }));
}

async function pixels(blob) {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  try {
    const scale = Math.min(1, CHECK_SIDE / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = typeof OffscreenCanvas === 'function'
      ? new OffscreenCanvas(w, h)
      : Object.assign(document.createElement('canvas'), { width: w, height: h });
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.imageSmoothingEnabled = true;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, w, h);
    const image = ctx.getImageData(0, 0, w, h);
    canvas.width = 0;
    canvas.height = 0;
    return image;
  } finally {
    bitmap.close();
  }
}

/**
 * Check a photo (a Blob, e.g. shrinkPhoto's output). Resolves to
 * {measures, problems}; a browser that cannot decode it here gets no
 * problems rather than a refusal: the server still checks every upload.
 */
export async function checkPhoto(blob) {
  if (typeof createImageBitmap !== 'function') return { measures: null, problems: [] };
  try {
    const measures = measure(await pixels(blob));
    return { measures, problems: problems(measures) };
  } catch {
    return { measures: null, problems: [] };
  }
}
