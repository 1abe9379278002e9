package textnorm

import "testing"

func TestTrim(t *testing.T) {
	for in, want := range map[string]string{
		"\u200b\u200c\u200d\ufeff\u2060": "",
		"  \u3000张三\u200b ":              "张三",
		"张\u200b三":                       "张\u200b三", // inside a word it stays
		"\u00ad":                         "",
	} {
		if got := Trim(in); got != want {
			t.Errorf("Trim(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStruct(t *testing.T) {
	type inner struct{ Note string }
	type in struct {
		Reason   string
		Password string `textnorm:"keep"`
		Items    []string
		In       *inner
		Many     []inner
		n        string
	}
	v := in{Reason: "\u200b", Password: " pw ", Items: []string{" a\u200b"}, In: &inner{"\ufeffx"}, Many: []inner{{" y "}}, n: " z "}
	Struct(&v)
	if v.Reason != "" || v.Password != " pw " || v.Items[0] != "a" || v.In.Note != "x" || v.Many[0].Note != "y" || v.n != " z " {
		t.Fatalf("after Struct: %+v %+v", v, *v.In)
	}
}
