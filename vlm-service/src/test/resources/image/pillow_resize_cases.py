# Generates pillow_resize_cases.json: expected 8-bit output of torchvision's Resize(S, BICUBIC) + CenterCrop(S) on
# PIL images, for synthetic inputs defined by a formula the Java test recomputes (see pixel()).
# Usage: python3 pillow_resize_cases.py > pillow_resize_cases.json   (needs Pillow and numpy)
import base64, json
import numpy as np
from PIL import Image

CASES = [  # width, height, size, mode
    (41, 23, 16, "RGB"), (23, 41, 32, "RGB"), (97, 61, 24, "RGB"), (50, 50, 50, "RGB"), (640, 427, 64, "RGB"),
    (7, 5, 12, "RGB"), (64, 40, 40, "RGB"), (33, 34, 33, "RGB"), (33, 36, 33, "RGB"), (45, 30, 20, "L"),
]

def pixel(x, y, c):
    return (x * x * 3 + y * 7 + x * y * 5 + c * 85) & 255

def resize_crop(im, size):  # torchvision Resize(int) + CenterCrop, spelled out
    w, h = im.size
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(size * long / short)
    new_w, new_h = (size, new_long) if w <= h else (new_long, size)
    if (new_w, new_h) != (w, h):
        im = im.resize((new_w, new_h), Image.BICUBIC)
    top, left = int(round((new_h - size) / 2.0)), int(round((new_w - size) / 2.0))
    return im.crop((left, top, left + size, top + size)).convert("RGB")

rows = []
for w, h, size, mode in CASES:
    ys, xs = np.mgrid[0:h, 0:w]
    rgb = np.stack([pixel(xs, ys, c) for c in range(3)], axis=-1).astype(np.uint8)
    im = Image.fromarray(rgb[:, :, 0] if mode == "L" else rgb, mode)
    out = np.asarray(resize_crop(im, size), dtype=np.uint8)
    rows.append(json.dumps({"width": w, "height": h, "size": size, "mode": mode,
                            "expected_hwc_base64": base64.b64encode(out.tobytes()).decode()}))
print("[\n" + ",\n".join(rows) + "\n]")
