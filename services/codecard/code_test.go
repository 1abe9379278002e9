package codecard

import (
	"regexp"
	"testing"
)

func TestCodeIsSixDigitsStablePerMonthAndSecret(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	six := regexp.MustCompile(`^\d{6}$`)
	seen := map[string]bool{}
	months, err := MonthsFrom("2026-11", Months)
	if err != nil {
		t.Fatal(err)
	}
	if months[0] != "2026-11" || months[2] != "2027-01" || len(months) != 12 {
		t.Fatalf("months = %v", months)
	}
	for _, m := range months {
		c := Code(secret, "e1", m)
		if !six.MatchString(c) {
			t.Fatalf("code %q is not six digits", c)
		}
		if c != Code(secret, "e1", m) {
			t.Fatal("same month and secret gave two codes")
		}
		seen[c] = true
	}
	if len(seen) < 11 {
		t.Fatalf("a year's codes repeat too much: %d distinct of 12", len(seen))
	}
	if Code(secret, "e1", "2026-11") == Code([]byte("another secret of the same size!"), "e1", "2026-11") &&
		Code(secret, "e1", "2026-12") == Code([]byte("another secret of the same size!"), "e1", "2026-12") {
		t.Fatal("a reprinted card (new secret) keeps the old codes")
	}
	if Code(secret, "e1", "2026-11") == Code(secret, "e2", "2026-11") && Code(secret, "e1", "2026-12") == Code(secret, "e2", "2026-12") {
		t.Fatal("two elders share their codes")
	}
}

func TestOfflineHashMatchesOnlyTheRightCode(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	salt := Salt(secret, "e1:2026-11:1")
	code := Code(secret, "e1", "2026-11")
	h := Hash(code, salt)
	if Hash(code, salt) != h {
		t.Fatal("hash not stable")
	}
	wrong := "000000"
	if wrong == code {
		wrong = "000001"
	}
	if Hash(wrong, salt) == h {
		t.Fatal("a wrong code has the right hash")
	}
	if Salt(secret, "e1:2026-11:2") == salt {
		t.Fatal("two visits share a salt")
	}
}

func TestMonthsFromRefusesBadMonth(t *testing.T) {
	if _, err := MonthsFrom("2026-13", 12); err == nil {
		t.Fatal("month 13 accepted")
	}
}
