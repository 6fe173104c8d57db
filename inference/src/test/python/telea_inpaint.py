"""Fills a hole with OpenCV's Telea inpainting, the baseline InpaintQualityBench compares against.

Usage: telea_inpaint.py IMAGE.png MASK.png OUTPUT.png [RADIUS]
MASK is 8-bit; nonzero pixels are filled. Needs Debian's python3-opencv.
"""
import sys

import cv2


def main(argv):
    if len(argv) not in (4, 5):
        sys.stderr.write(__doc__)
        return 2
    image = cv2.imread(argv[1], cv2.IMREAD_COLOR)
    mask = cv2.imread(argv[2], cv2.IMREAD_GRAYSCALE)
    if image is None or mask is None:
        sys.stderr.write("cannot read %s or %s\n" % (argv[1], argv[2]))
        return 1
    radius = float(argv[4]) if len(argv) == 5 else 3.0
    filled = cv2.inpaint(image, (mask > 0).astype("uint8") * 255, radius, cv2.INPAINT_TELEA)
    if not cv2.imwrite(argv[3], filled):
        sys.stderr.write("cannot write %s\n" % argv[3])
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
