// Package clock holds the programme's time zone: every date a person sees
// or a rule counts (a visit's day, a month's plan) is in Asia/Shanghai.
package clock

import "time"

// Shanghai is China Standard Time (UTC+8, no daylight saving), so no
// time-zone database is needed on the machine.
var Shanghai = time.FixedZone("CST", 8*3600)

// Today returns the calendar date of t in Shanghai as YYYY-MM-DD.
func Today(t time.Time) string { return t.In(Shanghai).Format(time.DateOnly) }

// ParseDate reads a YYYY-MM-DD date as midnight in Shanghai.
func ParseDate(s string) (time.Time, error) { return time.ParseInLocation(time.DateOnly, s, Shanghai) }
