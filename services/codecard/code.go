// Package codecard gives an elder without a phone at hand a printed visit
// code card: one short code per month for the year ahead, derived from a
// secret kept per elder. At check-out the volunteer types the month's code
// from the card on the elder's wall; a right code counts as the elder's
// confirmation of the visit (as a fixed device does in electronic visit
// verification), three wrong ones flag the visit for supervision (rule Q1).
//
// The phone checks a code without a network: for each of its visits it
// holds a slow salted hash (PBKDF2-SHA256) of that month's code, never the
// code or the secret, and the server checks the code again when the
// check-out arrives.
package codecard

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"time"
)

// Card limits.
const (
	// Months is how many monthly codes a card lists.
	Months = 12
	// MaxWrong is how many wrong codes flag a visit.
	MaxWrong = 3
	// Iterations of the phone's offline hash: slow enough that guessing the
	// code from the hash costs a phone hours, fast enough to check one code.
	Iterations = 100_000
	// CodeLen is the number of digits of a code.
	CodeLen = 6
)

// Code is the card's code for month (YYYY-MM): six digits of an HMAC of
// the elder and the month under the card's secret.
func Code(secret []byte, elder, month string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(elder + "|" + month))
	n := binary.BigEndian.Uint32(m.Sum(nil)[:4]) % 1_000_000
	return fmt.Sprintf("%06d", n)
}

// Salt is the salt of a visit's offline hash: derived from the secret and
// the visit, so it tells nothing of the code and differs per visit.
func Salt(secret []byte, visit string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("salt|" + visit))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// Hash is the offline check value of code under salt, as the phone
// computes it with WebCrypto's PBKDF2 (SHA-256, Iterations, 128 bits).
func Hash(code, salt string) string {
	k, err := pbkdf2.Key(sha256.New, code, []byte(salt), Iterations, 16)
	if err != nil { // only for out-of-range lengths, which these are not
		panic(err)
	}
	return hex.EncodeToString(k)
}

// MonthsFrom lists n months (YYYY-MM) starting with from.
func MonthsFrom(from string, n int) ([]string, error) {
	t, err := time.Parse("2006-01", from)
	if err != nil {
		return nil, err
	}
	out := make([]string, n)
	for i := range out {
		out[i] = t.AddDate(0, i, 0).Format("2006-01")
	}
	return out, nil
}
