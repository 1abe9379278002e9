package page

import (
	"testing"

	"jinhui/shared/apperr"
)

func TestParse(t *testing.T) {
	ok := []struct {
		name, off, lim string
		want           Params
	}{
		{"Default", "", "", Params{Offset: 0, Limit: 50}},
		{"Given", "100", "20", Params{Offset: 100, Limit: 20}},
		{"Max", "0", "500", Params{Offset: 0, Limit: 500}},
	}
	for _, c := range ok {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.off, c.lim)
			if err != nil || got != c.want {
				t.Fatalf("Parse(%q, %q) = %v, %v; want %v", c.off, c.lim, got, err, c.want)
			}
		})
	}
	bad := []struct{ name, off, lim, field string }{
		{"ErrLimitTooBig", "", "501", "limit"},
		{"ErrLimitZero", "", "0", "limit"},
		{"ErrLimitText", "", "十", "limit"},
		{"ErrOffsetNegative", "-1", "", "offset"},
		{"ErrOffsetText", "x", "", "offset"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.off, c.lim)
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || e.Field != c.field {
				t.Fatalf("Parse(%q, %q) error = %v; want invalid %s", c.off, c.lim, err, c.field)
			}
		})
	}
}

func TestOfNeverNil(t *testing.T) {
	if p := Of[int](nil, 0); p.Items == nil {
		t.Fatal("Items is nil")
	}
}
