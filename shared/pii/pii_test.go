package pii

import (
	"errors"
	"testing"
	"time"
)

func TestParseResidentID(t *testing.T) {
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	valid := CompleteResidentID("37010219500101002")
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"OK", valid, nil},
		{"OKLowerX", "11010519491231002x", nil},
		{"ErrIDLength", "3701021950010100", ErrIDLength},
		{"ErrIDChars", "37010219500101A021", ErrIDChars},
		{"ErrIDBirthMonth", CompleteResidentID("37010219501301002"), ErrIDBirth},
		{"ErrIDBirthFuture", CompleteResidentID("37010220300101002"), ErrIDBirth},
		{"ErrIDChecksum", valid[:17] + string("10X98765432"[(idxOf(valid[17])+1)%11]), ErrIDChecksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseResidentID(tt.in, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseResidentID(%q) = %v, want %v", tt.in, err, tt.want)
			}
		})
	}
	id, _ := ParseResidentID(valid, now)
	if id.Birth.Year() != 1950 || AgeOn(id.Birth, now) != 76 {
		t.Fatalf("birth %v age %d", id.Birth, AgeOn(id.Birth, now))
	}
}

func idxOf(c byte) int {
	for i := 0; i < 11; i++ {
		if "10X98765432"[i] == c {
			return i
		}
	}
	return 0
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13800138000", "+8613800138000"},
		{"138 0013 8000", "+8613800138000"},
		{"+86 138-0013-8000", "+8613800138000"},
		{"0531-86012345", "+8653186012345"},
		{"12345", ""},
		{"", ""},
		{"abc", ""},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("NormalizePhone(%q) = %q, want error", tt.in, got)
			}
			continue
		}
		if got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestMask(t *testing.T) {
	if got := MaskPhone("+8613800138000"); got != "+86138****8000" {
		t.Errorf("MaskPhone = %q", got)
	}
	if got := MaskID("370102195001010021"); got != "370102********0021" {
		t.Errorf("MaskID = %q", got)
	}
	if got := MaskText("高血压, 左腿行动不便"); got != "(已隐藏 11 字)" {
		t.Errorf("MaskText = %q", got)
	}
}
