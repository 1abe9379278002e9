package visit

import (
	"context"
	"fmt"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/shared/apperr"
	"jinhui/shared/valid"
)

// ReviewAfter is how far a check-in's or check-out's own time may lie
// before the moment the server received it. Further (a back-dated or long
// offline visit) and the visit's hours wait for review (rule V6: the
// record is the volunteer's certificate, so it must be believable).
const ReviewAfter = 30 * time.Minute

// Review states.
const (
	ReviewPending  = "pending"
	ReviewApproved = "approved"
	ReviewRejected = "rejected"
)

// Review is the hold on a visit's hours and its outcome.
type Review struct {
	Status string    `bson:"status" json:"status"`
	Reason string    `bson:"reason" json:"reason"`
	At     time.Time `bson:"at" json:"at"`
	By     string    `bson:"by,omitempty" json:"by,omitempty"`
	ByName string    `bson:"byName,omitempty" json:"byName,omitempty"`
	Note   string    `bson:"note,omitempty" json:"note,omitempty"`
	Done   time.Time `bson:"done,omitempty" json:"done,omitempty"`
}

// Held reports whether the visit's hours are held out of the ledger.
func (v Visit) Held() bool { return v.Review != nil && v.Review.Status != ReviewApproved }

// lateReason says why a checked-out visit must be reviewed, or "".
func lateReason(v Visit) string {
	var why []string
	for _, st := range []struct {
		name string
		s    *Stamp
	}{{"签到", v.CheckIn}, {"签退", v.CheckOut}} {
		if st.s == nil {
			continue
		}
		if d := st.s.Received.Sub(st.s.At); d > ReviewAfter {
			why = append(why, fmt.Sprintf("%s时间比上传时间早 %s", st.name, span(d)))
		}
	}
	if len(why) == 0 {
		return ""
	}
	return strings.Join(why, "; ") + "(离线补传或补记), 服务时长待组织者审核或老人家属确认后计入"
}

func span(d time.Duration) string {
	if d >= time.Hour {
		return fmt.Sprintf("%.1f 小时", d.Hours())
	}
	return fmt.Sprintf("%d 分钟", int(d.Minutes()))
}

// hold tells the organizers (a visit alert with the reason) and runs the
// OnHeld hooks (the elder's side is asked to confirm).
func (s *Service) hold(ctx context.Context, v Visit) error {
	_ = s.Store.SkipReminders(ctx, v.ID)
	if err := s.Store.InsertVisitAlert(ctx, Alert{ID: v.ID + ":review", Visit: v.ID, Elder: v.Elder, ElderName: v.ElderName, Village: v.Village,
		Areas: v.Areas, Message: "志愿者" + v.VolunteerName + "的探访待审核: " + v.Review.Reason, At: s.Now()}); err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("visit.hold: %w", err)
	}
	for _, f := range s.OnHeld {
		if err := f(ctx, v); err != nil {
			return fmt.Errorf("visit.hold: %w", err)
		}
	}
	return nil
}

// ReviewInput approves or rejects a held visit's hours.
type ReviewInput struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note" validate:"required,max=200"`
	Version int    `json:"version" validate:"required"`
}

// ReviewVisit lets an organizer over the visit approve its held hours
// (they reach the ledger now) or reject them (they never do).
func (s *Service) ReviewVisit(ctx context.Context, p access.Principal, id string, in ReviewInput) (Visit, error) {
	if err := valid.Struct(in); err != nil {
		return Visit{}, err
	}
	if err := p.RequireWriter(); err != nil {
		return Visit{}, err
	}
	v, err := s.VisitFor(ctx, p, id)
	if err != nil {
		return Visit{}, err
	}
	if v.Version != in.Version {
		return Visit{}, apperr.New(apperr.Conflict, "探访已被修改, 请刷新后重试")
	}
	return s.decide(ctx, p, v, in.Approve, strings.TrimSpace(in.Note))
}

// ElderConfirmed releases a held visit's hours when the elder's side
// confirmed the visit by SMS (rule Q1); other visits are left alone.
func (s *Service) ElderConfirmed(ctx context.Context, id string) error {
	v, err := s.Store.Visit(ctx, id)
	if err != nil || v.Review == nil || v.Review.Status != ReviewPending {
		return nil
	}
	_, err = s.decide(ctx, access.Principal{Kind: "elder", ID: "elder-side", Name: "老人家属"}, v, true, "老人家属短信确认探访")
	return err
}

func (s *Service) decide(ctx context.Context, p access.Principal, v Visit, approve bool, note string) (Visit, error) {
	if v.Review == nil || v.Review.Status != ReviewPending {
		return Visit{}, apperr.New(apperr.Conflict, "该探访没有待审核的服务时长")
	}
	v.Review.Status, v.Review.By, v.Review.ByName, v.Review.Note, v.Review.Done = ReviewRejected, p.ID, p.Name, note, s.Now()
	if approve {
		v.Review.Status = ReviewApproved
	}
	s.change(&v, p, "review", "", v.Review.Status, note)
	if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
		return Visit{}, fmt.Errorf("visit.ReviewVisit: %w", err)
	}
	if approve {
		if err := s.record(ctx, p, v); err != nil {
			return v, err
		}
		s.done(ctx, v)
	}
	return v, nil
}
