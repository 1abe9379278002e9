// Package textnorm trims what people cannot see from the ends of text
// they typed or pasted: spaces of every kind and the zero-width
// characters a phone keyboard or a copied web page leaves behind, so that
// a "required" text of only such characters counts as empty.
package textnorm

import (
	"reflect"
	"strings"
	"unicode"
)

// invisible reports characters that take no room when shown: zero-width
// space, non-joiner and joiner, word joiner, byte-order mark, soft hyphen
// and the other format characters (Unicode category Cf).
func invisible(r rune) bool {
	return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r)
}

// Trim removes spaces and invisible characters from both ends of s.
func Trim(s string) string { return strings.TrimFunc(s, invisible) }

// Blank reports whether s shows nothing.
func Blank(s string) bool { return Trim(s) == "" }

// Struct trims every string reachable from v (a pointer to a struct, or a
// pointer to a slice of them): fields, slices of strings, nested structs
// and pointers to them. A field tagged `textnorm:"keep"` (a password) is
// left as typed. Maps are left alone.
func Struct(v any) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return
	}
	walk(rv.Elem(), 0)
}

func walk(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		if v.CanSet() {
			if t := Trim(v.String()); t != v.String() {
				v.SetString(t)
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(v.Elem(), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i), depth+1)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() || f.Tag.Get("textnorm") == "keep" {
				continue
			}
			walk(v.Field(i), depth+1)
		}
	}
}
