package qr

import (
	"bytes"
	"image"
	"image/png"
	"testing"
)

// TestPNG: the picture is the size asked, white in its quiet zone, with
// the three finder patterns' dark corners where the standard puts them.
func TestPNG(t *testing.T) {
	b, err := PNG("https://jinhui.example/apply.html?call=0123456789abcdef", 290)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r := img.Bounds(); r.Dx() != 290 || r.Dy() != 290 {
		t.Fatalf("size %v, want 290×290", r)
	}
	dark := func(x, y int) bool { r, _, _, _ := img.At(x, y).RGBA(); return r < 0x8000 }
	if dark(1, 1) || dark(288, 288) {
		t.Fatal("quiet zone not white")
	}
	q, _ := PNG("x", 0) // smallest: one pixel per module
	small, _ := png.Decode(bytes.NewReader(q))
	n := small.Bounds().Dx()
	at := func(x, y int) bool { r, _, _, _ := small.At(x, y).RGBA(); return r < 0x8000 }
	// Finder patterns: dark top-left, top-right and bottom-left module of the code.
	for _, p := range []image.Point{{quiet, quiet}, {n - quiet - 1, quiet}, {quiet, n - quiet - 1}} {
		if !at(p.X, p.Y) {
			t.Fatalf("no finder pattern corner at %v of %d", p, n)
		}
	}
	if at(n-quiet-1, n-quiet-1) && at(n-quiet-2, n-quiet-2) && at(n-quiet-3, n-quiet-3) {
		t.Fatal("a finder pattern at the bottom right")
	}
}
