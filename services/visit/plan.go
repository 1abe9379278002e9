package visit

import (
	"fmt"
	"hash/fnv"
	"time"

	"jinhui/shared/clock"
)

// PairRef is one active pair as the planner needs it.
type PairRef struct {
	ID            string
	Elder         string
	Slot          int
	Volunteer     string
	VolunteerName string
	// Days are the weekdays (1 = Monday … 7 = Sunday) the volunteer is available.
	Days []int
}

// ElderRef is a paired, active elder as the planner needs it.
type ElderRef struct {
	ID, Name, Village, VillageName, County string
	Areas                                  []string
	Lat, Lon                               float64
	Pairs                                  []PairRef // ordered by slot
}

// MonthIndex counts months since 2000-01 (for the relay rotation).
func MonthIndex(month time.Time) int { return (month.Year()-2000)*12 + int(month.Month()) - 1 }

// Plan returns the visits of one elder for the month starting at first
// (rule S1): perMonth visits spread across the month (around the 10th, or
// the 8th and the 22nd, shifted per elder so a village is not visited all
// on one day), each moved to the nearest day the volunteer is available,
// and handed to the paired volunteers in rotation so that each keeps in
// touch. Days before notBefore are not planned (a month that has begun
// only fills the gaps, from notBefore on).
func Plan(e ElderRef, first time.Time, perMonth int, cl []Item, notBefore time.Time, now time.Time) []Visit {
	if len(e.Pairs) == 0 || perMonth < 1 {
		return nil
	}
	first = time.Date(first.Year(), first.Month(), 1, 0, 0, 0, 0, clock.Shanghai)
	days := first.AddDate(0, 1, -1).Day()
	h := fnv.New32a()
	h.Write([]byte(e.ID))
	jitter := int(h.Sum32() % 7)
	anchors := []int{10}
	if perMonth == 2 {
		anchors = []int{6, 20}
	}
	month := first.Format("2006-01")
	var out []Visit
	for n := 1; n <= perMonth; n++ {
		p := e.Pairs[(MonthIndex(first)*perMonth+n-1)%len(e.Pairs)]
		day := anchors[n-1] + jitter
		date := nearestAvailable(first, day, days, p.Days)
		if date.Before(notBefore) {
			// The planned day has passed: the earliest available day left.
			if notBefore.Month() != first.Month() {
				continue
			}
			date = nearestAvailable(first, notBefore.Day(), days, p.Days)
			if date.Before(notBefore) {
				continue
			}
		}
		v := Visit{
			ID: fmt.Sprintf("%s:%s:%d", e.ID, month, n), Elder: e.ID, ElderName: e.Name, Village: e.Village, VillageName: e.VillageName,
			Areas: e.Areas, County: e.County, ElderLat: e.Lat, ElderLon: e.Lon, Month: month, N: n, Date: date.Format(time.DateOnly),
			Volunteer: p.Volunteer, VolunteerName: p.VolunteerName, Pair: p.ID, Status: StatusPlanned,
			Checklist: append([]Item{}, cl...), Changes: []Change{}, Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		for _, q := range e.Pairs {
			v.People = append(v.People, q.Volunteer)
			if q.Volunteer != p.Volunteer {
				v.Partners = append(v.Partners, Partner{ID: q.Volunteer, Name: q.VolunteerName, Pair: q.ID})
			}
		}
		out = append(out, v)
	}
	return out
}

// nearestAvailable returns the day of the month nearest to want (never
// before it if possible) whose weekday the volunteer gave; any day when
// they gave none.
func nearestAvailable(first time.Time, want, days int, avail []int) time.Time {
	if want > days {
		want = days
	}
	ok := func(d int) bool {
		if d < 1 || d > days {
			return false
		}
		if len(avail) == 0 {
			return true
		}
		wd := int(first.AddDate(0, 0, d-1).Weekday())
		if wd == 0 {
			wd = 7
		}
		for _, a := range avail {
			if a == wd {
				return true
			}
		}
		return false
	}
	for delta := 0; delta < days; delta++ {
		if ok(want + delta) {
			return first.AddDate(0, 0, want+delta-1)
		}
		if ok(want - delta) {
			return first.AddDate(0, 0, want-delta-1)
		}
	}
	return first.AddDate(0, 0, want-1)
}

// At9 returns 09:00 Shanghai time on the given date (YYYY-MM-DD) plus days.
func At9(date string, plusDays int) time.Time {
	d, _ := clock.ParseDate(date)
	return d.AddDate(0, 0, plusDays).Add(9 * time.Hour)
}

// Reminders returns the reminder schedule of a planned visit: 3 days and
// 1 day before at 09:00, then the escalation steps the day after, 3 days
// after and 5 days after (each skipped when the visit is done by then).
// Reminders already due before now are left out, except escalations.
func Reminders(v Visit, now time.Time) []Reminder {
	var out []Reminder
	add := func(kind string, due time.Time, keepPast bool) {
		if due.Before(now) && !keepPast {
			return
		}
		out = append(out, Reminder{ID: v.ID + ":" + kind + ":" + v.Date, Visit: v.ID, Kind: kind, Due: due, Status: ReminderPending})
	}
	add(RemindD3, At9(v.Date, -3), false)
	add(RemindD1, At9(v.Date, -1), false)
	add(RemindMissed, At9(v.Date, 1), true)
	add(RemindOffer, At9(v.Date, 3), true)
	add(RemindAlert, At9(v.Date, 5), true)
	return out
}

// QuietHours reports whether t falls in 21:00–08:00 Shanghai time, when no
// reminder may be sent; NextSendable moves such a time to 08:00.
func QuietHours(t time.Time) bool {
	h := t.In(clock.Shanghai).Hour()
	return h >= 21 || h < 8
}

// NextSendable returns t, or the next 08:00 if t is in quiet hours.
func NextSendable(t time.Time) time.Time {
	s := t.In(clock.Shanghai)
	if !QuietHours(s) {
		return t
	}
	d := time.Date(s.Year(), s.Month(), s.Day(), 8, 0, 0, 0, clock.Shanghai)
	if s.Hour() >= 21 {
		d = d.AddDate(0, 0, 1)
	}
	return d
}
