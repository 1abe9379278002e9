package pii

import (
	"errors"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// ErrPhone is returned for a number that is not a valid phone number.
var ErrPhone = errors.New("手机号码无效")

// NormalizePhone returns the number in E.164 form (+8613800138000). Numbers
// without a country code are read as Chinese (+86).
func NormalizePhone(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", ErrPhone
	}
	n, err := phonenumbers.Parse(s, "CN")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// MaskPhone keeps the country code, the first 3 and last 4 digits:
// +86138****8000.
func MaskPhone(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	head := 3
	if strings.HasPrefix(s, "+86") {
		head = 6
	}
	if head+4 > len(s) {
		head = len(s) - 4
	}
	return s[:head] + strings.Repeat("*", len(s)-head-4) + s[len(s)-4:]
}

// MaskText hides free text such as health notes in lists: only its length shows.
func MaskText(s string) string {
	if s == "" {
		return ""
	}
	return "(已隐藏 " + strconv.Itoa(len([]rune(s))) + " 字)"
}
