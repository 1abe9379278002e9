package visit

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/valid"
)

// Limits on times a phone reports (it may have been offline).
const (
	MaxLateSync  = 7 * 24 * time.Hour // a check-in sent up to a week later is accepted, flagged
	LateAfter    = 10 * time.Minute   // later than this counts as sent late
	MaxVisitTime = 24 * time.Hour
	Over4h       = 4 * time.Hour // rule S5
)

// CheckInInput is a check-in from the volunteer's phone. Key is chosen by
// the phone for this check-in, so that sending it again (after being
// offline) changes nothing.
type CheckInInput struct {
	Key string     `json:"key" validate:"required,min=8,max=64"`
	At  *time.Time `json:"at,omitempty"`
	Lat *float64   `json:"lat,omitempty" validate:"omitempty,latitude"`
	Lon *float64   `json:"lon,omitempty" validate:"omitempty,longitude"`
}

// CheckOutInput is a check-out with the checklist (rules S2–S5).
type CheckOutInput struct {
	CheckInInput
	Items        []string `json:"items" validate:"max=30,dive,max=32"`
	Notes        string   `json:"notes,omitempty" validate:"max=1000"`
	Condition    string   `json:"condition,omitempty" validate:"omitempty,oneof=好 一般 较差 需要关注"`
	Concern      string   `json:"concern,omitempty" validate:"max=500"`
	UndoneReason string   `json:"undoneReason,omitempty" validate:"max=500"`
	// CardCode is the month's code from the elder's visit code card;
	// CardWrong counts the wrong codes the phone refused offline.
	CardCode  string `json:"cardCode,omitempty" validate:"omitempty,numeric,len=6"`
	CardWrong int    `json:"cardWrong,omitempty" validate:"min=0,max=50"`
}

// CardChecker checks a visit code card's code at check-out; it returns
// nil when the elder has no card for the visit's month.
type CardChecker interface {
	CheckOutCode(ctx context.Context, v Visit, code string, wrong int) (*CardCheck, error)
}

func (s *Service) stamp(in CheckInInput, v Visit, st Settings) (Stamp, error) {
	now := s.Now()
	at := now
	if in.At != nil {
		at = *in.At
		if at.After(now.Add(5 * time.Minute)) {
			return Stamp{}, apperr.Field("at", "时间晚于当前时间")
		}
		if at.Before(now.Add(-MaxLateSync)) {
			return Stamp{}, apperr.Field("at", "时间早于 7 天前, 请联系组织者补录")
		}
	}
	out := Stamp{At: at, Received: now, Key: in.Key, Late: now.Sub(at) > LateAfter}
	if (in.Lat == nil) != (in.Lon == nil) {
		return Stamp{}, apperr.Field("lon", "经纬度须同时提供")
	}
	if in.Lat != nil {
		out.Lat, out.Lon, out.HasPlace = *in.Lat, *in.Lon, true
		if v.ElderLat != 0 || v.ElderLon != 0 {
			out.DistanceKm = math.Round(haversineKm(out.Lat, out.Lon, v.ElderLat, v.ElderLon)*100) / 100
			out.Far = out.DistanceKm > st.FarKm
		}
	}
	return out, nil
}

// CheckIn records the assigned volunteer's arrival. Sending the same key
// again returns the visit unchanged; a place far from the elder's home is
// flagged, never refused.
func (s *Service) CheckIn(ctx context.Context, p access.Principal, id string, in CheckInInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	v, err := s.mine(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.CheckIn != nil {
		if v.CheckIn.Key == in.Key {
			return v, nil
		}
		return Visit{}, apperr.New(apperr.Conflict, "该探访已签到")
	}
	switch v.Status {
	case StatusPlanned, StatusMissed, StatusOffered:
	default:
		return Visit{}, apperr.Errorf(apperr.Conflict, "该探访当前状态为「%s」, 不能签到", StatusName[v.Status])
	}
	st, err := s.settings(ctx, v.County)
	if err != nil {
		return Visit{}, err
	}
	stamp, err := s.stamp(in, v, st)
	if err != nil {
		return Visit{}, err
	}
	if month := stamp.At.In(clock.Shanghai).Format("2006-01"); month < v.Month {
		return Visit{}, apperr.Field("at", "签到时间早于该探访所在月份")
	}
	v.CheckIn, v.Status, v.UpdatedAt = &stamp, StatusCheckedIn, s.Now()
	if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
		return Visit{}, fmt.Errorf("visit.CheckIn: %w", err)
	}
	return v, nil
}

// CheckOut records the end of a visit with the checklist. The duration is
// computed and visits over 4 hours marked (rule S5); required items left
// undone need a reason (S4). The visit's service hours go to the ledger
// under the visit's key, so a retried check-out never counts twice.
func (s *Service) CheckOut(ctx context.Context, p access.Principal, id string, in CheckOutInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	v, err := s.mine(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.CheckOut != nil {
		if v.CheckOut.Key == in.Key {
			if v.Held() {
				return v, nil
			}
			if err := s.record(ctx, p, v); err != nil { // the ledger write may be what failed last time
				return v, err
			}
			if err := s.done(ctx, v); err != nil { // or a hook
				return v, fmt.Errorf("visit.CheckOut: %w", err)
			}
			return v, nil
		}
		return Visit{}, apperr.New(apperr.Conflict, "该探访已签退")
	}
	if v.Status != StatusCheckedIn || v.CheckIn == nil {
		return Visit{}, apperr.New(apperr.Conflict, "请先签到")
	}
	st, err := s.settings(ctx, v.County)
	if err != nil {
		return Visit{}, err
	}
	stamp, err := s.stamp(in.CheckInInput, v, st)
	if err != nil {
		return Visit{}, err
	}
	d := stamp.At.Sub(v.CheckIn.At)
	if d < 0 {
		return Visit{}, apperr.Field("at", "签退时间早于签到时间")
	}
	if d > MaxVisitTime {
		return Visit{}, apperr.Field("at", "探访时长超过 24 小时, 请检查时间")
	}
	done := map[string]bool{}
	for i, code := range in.Items {
		found := false
		for _, it := range v.Checklist {
			if it.Code == code {
				found = true
			}
		}
		if !found {
			return Visit{}, apperr.Field(fmt.Sprintf("items[%d]", i), "清单中没有该项目")
		}
		done[code] = true
	}
	var undone []string
	for i := range v.Checklist {
		v.Checklist[i].Done = done[v.Checklist[i].Code]
		if v.Checklist[i].Required && !v.Checklist[i].Done {
			undone = append(undone, v.Checklist[i].Name)
		}
	}
	if len(undone) > 0 && strings.TrimSpace(in.UndoneReason) == "" {
		return Visit{}, apperr.Field("undoneReason", "规定动作未完成("+strings.Join(undone, "、")+"), 请说明原因")
	}
	if s.Cards != nil && (in.CardCode != "" || in.CardWrong > 0) {
		if v.Card, err = s.Cards.CheckOutCode(ctx, v, in.CardCode, in.CardWrong); err != nil {
			return Visit{}, fmt.Errorf("visit.CheckOut: %w", err)
		}
	}
	v.CheckOut, v.Status, v.UpdatedAt = &stamp, StatusDone, s.Now()
	v.Minutes = int(math.Round(d.Minutes()))
	v.Over4h = d > Over4h
	v.Notes, v.Condition, v.Concern, v.UndoneReason = in.Notes, in.Condition, in.Concern, in.UndoneReason
	// A right code from the elder's visit code card is the elder's own
	// confirmation: late times then need no review.
	if why := lateReason(v); why != "" && (v.Card == nil || !v.Card.Confirmed) {
		v.Review = &Review{Status: ReviewPending, Reason: why, At: s.Now()}
	}
	if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
		return Visit{}, fmt.Errorf("visit.CheckOut: %w", err)
	}
	if v.Held() {
		return v, s.hold(ctx, v)
	}
	if err := s.record(ctx, p, v); err != nil {
		return v, err
	}
	_ = s.Store.SkipReminders(ctx, v.ID)
	if strings.TrimSpace(v.Concern) != "" {
		_ = s.Store.InsertVisitAlert(ctx, Alert{ID: v.ID + ":concern", Visit: v.ID, Elder: v.Elder, ElderName: v.ElderName, Village: v.Village,
			Areas: v.Areas, Message: "志愿者" + v.VolunteerName + "反映: " + v.Concern, At: s.Now()})
	}
	if err := s.done(ctx, v); err != nil {
		return v, fmt.Errorf("visit.CheckOut: %w", err)
	}
	return v, nil
}

// record writes the visit's credit hours (rule V6) and the pair's last visit.
func (s *Service) record(ctx context.Context, p access.Principal, v Visit) error {
	var items []string
	for _, it := range v.Checklist {
		if it.Done {
			items = append(items, it.Code)
		}
	}
	day := v.CheckIn.At.In(clock.Shanghai)
	e := ledger.Entry{ID: "visit:" + v.ID, Kind: ledger.KindCredit, Volunteer: v.Volunteer, Elder: v.Elder, Areas: v.Areas, Village: v.Village,
		Date: day.Format(time.DateOnly), Month: day.Format("2006-01"), Minutes: v.Minutes, Over4h: v.Over4h, Items: items,
		Source: "visit", SourceID: v.ID, By: p.ID, ByName: p.Name, At: s.Now()}
	if err := s.Store.RecordEntry(ctx, e); err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("visit.record: %w", err)
	}
	if v.Pair != "" {
		if err := s.Store.SetLastVisit(ctx, v.Pair, v.CheckOut.At); err != nil && !apperr.Is(err, apperr.NotFound) {
			return fmt.Errorf("visit.record: %w", err)
		}
	}
	return nil
}

// mine returns a visit assigned to volunteer p.
func (s *Service) mine(ctx context.Context, p access.Principal, id string) (Visit, error) {
	if p.Kind != access.KindVolunteer {
		return Visit{}, apperr.New(apperr.Forbidden, "仅限承担该探访的志愿者操作")
	}
	v, err := s.VisitFor(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.Volunteer != p.ID {
		return Visit{}, apperr.New(apperr.Forbidden, "该探访已安排给其他志愿者")
	}
	return v, nil
}

func haversineKm(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	a := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
