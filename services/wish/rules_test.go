package wish

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
	"time"

	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

func TestAgeBand(t *testing.T) {
	on := time.Date(2026, 11, 23, 12, 0, 0, 0, clock.Shanghai)
	for name, tc := range map[string]struct{ birth, want string }{
		"OK70s":          {"1950-01-01", "70–79岁"},
		"OKBirthdayNext": {"1946-11-24", "70–79岁"},
		"OK80":           {"1946-11-23", "80–89岁"},
		"OK90Plus":       {"1930-05-05", "90岁以上"},
		"ErrBadDate":     {"x", "65岁以上"},
	} {
		if got := AgeBand(tc.birth, on); got != tc.want {
			t.Errorf("%s: AgeBand(%s) = %s, want %s", name, tc.birth, got, tc.want)
		}
	}
}

func TestPersonalData(t *testing.T) {
	names := []string{"王秀英"}
	for name, tc := range map[string]struct {
		text string
		bad  bool
	}{
		"OK":          {"一件厚棉衣, 身高一米六", false},
		"OKNumbers":   {"两副老花镜, 300度", false},
		"ErrName":     {"给王秀英买棉衣", true},
		"ErrNameGap":  {"给王 秀英买棉衣", true},
		"ErrPhone":    {"联系 139 1234 5678", true},
		"ErrMobile":   {"13912345678", true},
		"ErrIDNumber": {"37010119500101001X", true},
	} {
		if got := personalData(tc.text, names) != ""; got != tc.bad {
			t.Errorf("%s: personalData(%q) flagged=%v, want %v", name, tc.text, got, tc.bad)
		}
	}
}

func TestResize(t *testing.T) {
	enc := func(w, h int, f func(*bytes.Buffer, image.Image) error) []byte {
		var b bytes.Buffer
		if err := f(&b, image.NewRGBA(image.Rect(0, 0, w, h))); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	pngOf := func(w, h int) []byte {
		return enc(w, h, func(b *bytes.Buffer, i image.Image) error { return png.Encode(b, i) })
	}
	for name, tc := range map[string]struct {
		data         []byte
		w, h         int
		errorOnField bool
	}{
		"OKSmallKept":  {pngOf(300, 200), 300, 200, false},
		"OKWideScaled": {pngOf(3200, 800), 1600, 400, false},
		"OKTallScaled": {pngOf(500, 2000), 400, 1600, false},
		"ErrGIF":       {enc(10, 10, func(b *bytes.Buffer, i image.Image) error { return gif.Encode(b, i, nil) }), 0, 0, true},
		"ErrText":      {[]byte("hello, not an image"), 0, 0, true},
		"ErrEmpty":     {nil, 0, 0, true},
		"ErrTruncated": {pngOf(300, 200)[:60], 0, 0, true},
		"ErrTooLarge":  {make([]byte, MaxUpload+1), 0, 0, true},
	} {
		out, w, h, err := Resize(tc.data)
		if tc.errorOnField {
			if !apperr.Is(err, apperr.Invalid) {
				t.Errorf("%s: err = %v, want invalid", name, err)
			}
			continue
		}
		if err != nil || w != tc.w || h != tc.h || len(out) > MaxStoredSize {
			t.Errorf("%s: %dx%d %d bytes, %v", name, w, h, len(out), err)
			continue
		}
		if c, _, err := image.DecodeConfig(bytes.NewReader(out)); err != nil || c.Width != tc.w {
			t.Errorf("%s: stored image does not decode: %v", name, err)
		}
	}
}

// withOrientation returns a JPEG as a phone stores it: an APP1 segment
// with EXIF orientation o right after the start of image.
func withOrientation(t *testing.T, img image.Image, o int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	ifd := []byte("MM\x00\x2a\x00\x00\x00\x08" + "\x00\x01" + "\x01\x12\x00\x03\x00\x00\x00\x01\x00" + string(rune(o)) + "\x00\x00" + "\x00\x00\x00\x00")
	app1 := append([]byte("Exif\x00\x00"), ifd...)
	seg := append([]byte{0xFF, 0xE1, byte((len(app1) + 2) >> 8), byte(len(app1) + 2)}, app1...)
	return append(append([]byte{0xFF, 0xD8}, seg...), b.Bytes()[2:]...)
}

// TestResizeTurnsPhoneJPEG: a phone's JPEG stored sideways with EXIF
// orientation 6 comes out upright (its width and height swapped).
func TestResizeTurnsPhoneJPEG(t *testing.T) {
	data := withOrientation(t, image.NewRGBA(image.Rect(0, 0, 400, 300)), 6)
	_, w, h, err := Resize(data)
	if err != nil || w != 300 || h != 400 {
		t.Fatalf("%dx%d %v", w, h, err)
	}
}

// TestOrientAllEight checks every EXIF orientation of an uploaded JPEG
// against the standard's own words: value n says which side of the shown
// picture the stored first row and first column lie along. The stored
// top-left corner is red, the end of its first row green, the end of its
// first column blue (16-pixel squares, so that JPEG's blur stays inside
// them). 2, 4, 5 and 7 are mirrors, not turns (they were turned like 1,
// 3, 6 and 8 once, showing photos mirrored).
func TestOrientAllEight(t *testing.T) {
	red, green, blue := color.RGBA{255, 0, 0, 255}, color.RGBA{0, 255, 0, 255}, color.RGBA{0, 0, 255, 255}
	const w, h, sq = 48, 32, 16
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			switch {
			case x < sq && y < sq:
				c = red
			case x >= w-sq && y < sq:
				c = green
			case x < sq && y >= h-sq:
				c = blue
			}
			src.SetRGBA(x, y, c)
		}
	}
	type pt struct{ x, y int }
	tests := []struct {
		name             string
		o                int
		w, h             int
		red, green, blue pt
	}{
		{"1 row0 top, col0 left", 1, w, h, pt{0, 0}, pt{w - 1, 0}, pt{0, h - 1}},
		{"2 row0 top, col0 right", 2, w, h, pt{w - 1, 0}, pt{0, 0}, pt{w - 1, h - 1}},
		{"3 row0 bottom, col0 right", 3, w, h, pt{w - 1, h - 1}, pt{0, h - 1}, pt{w - 1, 0}},
		{"4 row0 bottom, col0 left", 4, w, h, pt{0, h - 1}, pt{w - 1, h - 1}, pt{0, 0}},
		{"5 row0 left, col0 top", 5, h, w, pt{0, 0}, pt{0, w - 1}, pt{h - 1, 0}},
		{"6 row0 right, col0 top", 6, h, w, pt{h - 1, 0}, pt{h - 1, w - 1}, pt{0, 0}},
		{"7 row0 right, col0 bottom", 7, h, w, pt{h - 1, w - 1}, pt{h - 1, 0}, pt{0, w - 1}},
		{"8 row0 left, col0 bottom", 8, h, w, pt{0, w - 1}, pt{0, 0}, pt{h - 1, w - 1}},
	}
	// near is the colour a few pixels inside the corner at p.
	near := func(img image.Image, p pt) color.RGBA {
		b := img.Bounds()
		x, y := min(max(p.x, 4), b.Dx()-5), min(max(p.y, 4), b.Dy()-5)
		r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
		return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
	}
	like := func(a, b color.RGBA) bool { // within JPEG's error
		d := func(x, y uint8) bool { return max(x, y)-min(x, y) <= 40 }
		return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, gw, gh, err := Resize(withOrientation(t, src, tc.o))
			if err != nil {
				t.Fatal(err)
			}
			if gw != tc.w || gh != tc.h {
				t.Fatalf("size %dx%d, want %dx%d", gw, gh, tc.w, tc.h)
			}
			got, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name string
				at   pt
				want color.RGBA
			}{{"red", tc.red, red}, {"green", tc.green, green}, {"blue", tc.blue, blue}} {
				if px := near(got, c.at); !like(px, c.want) {
					t.Errorf("%s corner not at %v (found %v there)", c.name, c.at, px)
				}
			}
		})
	}
}
