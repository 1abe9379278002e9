// Package pii checks and masks personal data: Chinese resident ID numbers
// and phone numbers. Masked forms go in lists and logs; full values only
// where a role needs them (and each full view is audited by the caller).
package pii

import (
	"errors"
	"strings"
	"time"
)

// ID number errors, each with a message an organizer can act on.
var (
	ErrIDLength   = errors.New("身份证号应为 18 位")
	ErrIDChars    = errors.New("身份证号前 17 位须为数字, 末位为数字或 X")
	ErrIDBirth    = errors.New("身份证号中的出生日期无效")
	ErrIDChecksum = errors.New("身份证号校验位不正确")
)

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// ResidentID is a checked 18-digit resident identity number (GB 11643-1999).
type ResidentID struct {
	Number string
	Birth  time.Time
	Female bool
}

// ParseResidentID checks length, characters, birth date (not in the future,
// not before 1900) and the ISO 7064 MOD 11-2 check digit. A lowercase x is
// accepted and upper-cased.
func ParseResidentID(s string, now time.Time) (ResidentID, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) != 18 {
		return ResidentID{}, ErrIDLength
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return ResidentID{}, ErrIDChars
		}
		sum += int(c-'0') * idWeights[i]
	}
	if last := s[17]; (last < '0' || last > '9') && last != 'X' {
		return ResidentID{}, ErrIDChars
	}
	birth, err := time.Parse("20060102", s[6:14])
	if err != nil || birth.Year() < 1900 || birth.After(now) {
		return ResidentID{}, ErrIDBirth
	}
	if s[17] != idCheckChars[sum%11] {
		return ResidentID{}, ErrIDChecksum
	}
	return ResidentID{Number: s, Birth: birth, Female: (s[16]-'0')%2 == 0}, nil
}

// CompleteResidentID appends the check digit to a 17-digit prefix; demo data
// and tests use it to make valid numbers.
func CompleteResidentID(prefix17 string) string {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(prefix17[i]-'0') * idWeights[i]
	}
	return prefix17 + string(idCheckChars[sum%11])
}

// AgeOn returns the completed years between birth and day.
func AgeOn(birth, day time.Time) int {
	age := day.Year() - birth.Year()
	if day.Month() < birth.Month() || (day.Month() == birth.Month() && day.Day() < birth.Day()) {
		age--
	}
	return age
}

// MaskID keeps the first 6 (the area) and last 4 characters: 370102********123X.
func MaskID(s string) string {
	if len(s) < 10 {
		return strings.Repeat("*", len(s))
	}
	return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
}
