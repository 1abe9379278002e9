package area

import "testing"

// TestMalformedCodes: a code from a URL that is not 12 digits has no
// level, no parent, no areas and lies inside nothing; nothing panics
// (GET /api/carer-rules/a answered 500 from a slice past the end).
func TestMalformedCodes(t *testing.T) {
	for _, c := range []string{"", "a", "37", "3701010010011", "37010100100a", "３７０１０１００１００１"} {
		if lv := LevelOf(c); lv != 0 {
			t.Errorf("LevelOf(%q) = %d, want 0", c, lv)
		}
		if p := ParentOf(c); p != "" {
			t.Errorf("ParentOf(%q) = %q", c, p)
		}
		if a := AreasOf(c); len(a) != 0 {
			t.Errorf("AreasOf(%q) = %v", c, a)
		}
		if Within(c, "370000000000") || Within("370101001001", c) {
			t.Errorf("Within with %q is true", c)
		}
	}
	if LevelOf("370101001001") != Village || LevelOf("370101000000") != County || ParentOf("370101001001") != "370101001000" {
		t.Fatal("well-formed codes changed meaning")
	}
}
