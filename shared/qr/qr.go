// Package qr draws QR codes as PNG images, the one place the platform
// makes them (recruitment call posters, certificate checks). Encoding is
// github.com/yeqown/go-qrcode/v2; this package only paints its modules.
package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// quiet is the white margin around the code, in modules (the standard's 4).
const quiet = 4

// PNG returns a QR code of text (error correction level M) as a black on
// white PNG of size × size pixels (at least the code's own module count).
func PNG(text string, size int) ([]byte, error) {
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium))
	if err != nil {
		return nil, fmt.Errorf("qr.PNG: %w", err)
	}
	var bw bitmap
	if err := q.Save(&bw); err != nil {
		return nil, fmt.Errorf("qr.PNG: %w", err)
	}
	n := len(bw.bits) + 2*quiet
	size = max(size, n)
	img := image.NewPaletted(image.Rect(0, 0, size, size), color.Palette{color.White, color.Black})
	for py := range size {
		y := py*n/size - quiet
		if y < 0 || y >= len(bw.bits) {
			continue
		}
		for px := range size {
			if x := px*n/size - quiet; x >= 0 && x < len(bw.bits[y]) && bw.bits[y][x] {
				img.SetColorIndex(px, py, 1)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr.PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// bitmap is a qrcode.Writer that keeps the modules (true: dark), by row.
type bitmap struct{ bits [][]bool }

func (b *bitmap) Write(m qrcode.Matrix) error {
	b.bits = m.Bitmap()
	return nil
}

func (b *bitmap) Close() error { return nil }
