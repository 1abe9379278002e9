package wish

import (
	"encoding/binary"
	"image"
)

// jpegOrientation returns the EXIF orientation of a JPEG (1 when absent or
// unreadable). Phones store pictures as the sensor saw them and say in
// EXIF how to turn them; re-encoding drops EXIF, so the turn is applied.
func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		marker, n := b[i+1], int(binary.BigEndian.Uint16(b[i+2:]))
		if marker == 0xDA || n < 2 || i+2+n > len(b) {
			return 1 // image data begins, or a broken segment
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

func tiffOrientation(t []byte) int {
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:8]))
	if off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orientations says, for each EXIF orientation (TIFF tag 0x0112), how the
// stored picture becomes the one to show: mirror left-right, mirror
// top-bottom, then transpose (swap rows and columns), in that order.
// 2, 4, 5 and 7 are the mirrored forms: a mirror is not a turn.
var orientations = [9]struct{ flipX, flipY, transpose bool }{
	1: {},
	2: {flipX: true},
	3: {flipX: true, flipY: true},
	4: {flipY: true},
	5: {transpose: true},
	6: {flipY: true, transpose: true},
	7: {flipX: true, flipY: true, transpose: true},
	8: {flipX: true, transpose: true},
}

// orient returns img as EXIF orientation o asks it to be shown (img itself
// for 1 or an unknown value).
func orient(img *image.RGBA, o int) *image.RGBA {
	if o < 2 || o > 8 {
		return img
	}
	op := orientations[o]
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	if op.transpose {
		out = image.NewRGBA(image.Rect(0, 0, h, w))
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := x, y
			if op.flipX {
				dx = w - 1 - x
			}
			if op.flipY {
				dy = h - 1 - y
			}
			if op.transpose {
				dx, dy = dy, dx
			}
			out.SetRGBA(dx, dy, img.RGBAAt(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}
