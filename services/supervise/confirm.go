package supervise

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"jinhui/services/access"
	"jinhui/services/visit"
	"jinhui/shared/apperr"
	"jinhui/shared/clock"
	"jinhui/shared/pii"
)

// elderSide is who acts when the elder's contact person replies.
var elderSide = access.Principal{ID: "sms-reply", Name: "老人家属短信回复"}

// AfterVisit runs when a volunteer checks out: it asks the elder's
// contact person by SMS whether the volunteer came (the elder needs no
// smartphone), and files a volunteer's concern in the problem ledger
// (rule Q3). It is idempotent: the request is keyed by the visit, so the
// retried check-out that follows a failure here completes it.
func (s *Service) AfterVisit(ctx context.Context, v visit.Visit) error {
	if strings.TrimSpace(v.Concern) != "" {
		if err := s.autoProblem(ctx, "concern:"+v.ID, SourceConcern, v.ID, KindElderNeed, v.Village, v.Areas,
			"志愿者"+v.VolunteerName+"反映"+v.ElderName+"老人: "+v.Concern); err != nil {
			return err
		}
	}
	if v.Card != nil && v.Card.Flagged {
		if err := s.Store.InsertSupAlert(ctx, Alert{ID: "card:" + v.ID, Kind: AlertCard, Areas: v.Areas, Village: v.Village,
			Message: "志愿者" + v.VolunteerName + "探访" + v.ElderName + "老人时探访码卡验证码错误 " + fmt.Sprint(v.Card.Wrong) + " 次, 请核查", At: s.Now()}); err != nil && !apperr.Is(err, apperr.Conflict) {
			return fmt.Errorf("supervise.AfterVisit: %w", err)
		}
	}
	if v.Card != nil && v.Card.Confirmed {
		// The card's code stands for the elder's own confirmation: no
		// question is texted, and a later SMS reply finds it answered.
		err := s.Store.InsertAnswer(ctx, Answer{ID: v.ID, Status: ConfirmConfirmed, Reply: "探访码卡验证通过", SID: "card:" + v.ID, At: s.Now()})
		if err != nil && !apperr.Is(err, apperr.Conflict) {
			return fmt.Errorf("supervise.AfterVisit: %w", err)
		}
		return nil
	}
	e, err := s.Store.Elder(ctx, v.Elder)
	if err != nil {
		return fmt.Errorf("supervise.AfterVisit: %w", err)
	}
	phone := ""
	for _, c := range e.Contacts {
		if n, err := pii.NormalizePhone(c.Phone); err == nil {
			phone = n
			break
		}
	}
	if phone == "" {
		if n, err := pii.NormalizePhone(e.Phone); err == nil {
			phone = n
		}
	}
	if phone == "" || s.SMS == nil {
		return nil
	}
	c := Confirmation{ID: v.ID, Visit: v.ID, Elder: v.Elder, ElderName: v.ElderName, Volunteer: v.Volunteer, VolunteerName: v.VolunteerName,
		Village: v.Village, Areas: v.Areas, Month: v.Month, Phone: phone, SentAt: s.Now()}
	err = s.Store.InsertConfirmation(ctx, c)
	if err == nil {
		err = s.Store.AddSent(ctx, phone, Sent{Visit: v.ID, SentAt: c.SentAt})
	}
	if err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("supervise.AfterVisit: %w", err)
	}
	return s.SMS.Send(ctx, "confirm:"+v.ID, phone, "confirm", ConfirmText(v.VolunteerName, visitDay(v), s.Now()))
}

// ListenFor lets a 1/2 reply from phone (a family member far away, told of
// the visit by SMS) confirm or deny visit v, as the contact person's reply
// does. Idempotent; it runs after AfterVisit.
func (s *Service) ListenFor(ctx context.Context, v visit.Visit, phone string) error {
	c := Confirmation{ID: v.ID, Visit: v.ID, Elder: v.Elder, ElderName: v.ElderName, Volunteer: v.Volunteer, VolunteerName: v.VolunteerName,
		Village: v.Village, Areas: v.Areas, Month: v.Month, Phone: phone, SentAt: s.Now()}
	if err := s.Store.InsertConfirmation(ctx, c); err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("supervise.ListenFor: %w", err)
	}
	if err := s.Store.AddSent(ctx, phone, Sent{Visit: v.ID, SentAt: c.SentAt}); err != nil {
		return fmt.Errorf("supervise.ListenFor: %w", err)
	}
	return nil
}

// visitDay is the day the visit happened: the check-in's own time (an
// offline check-in keeps the phone's time), else the planned date.
func visitDay(v visit.Visit) time.Time {
	if v.CheckIn != nil && !v.CheckIn.At.IsZero() {
		return v.CheckIn.At
	}
	if d, err := clock.ParseDate(v.Date); err == nil {
		return d
	}
	return time.Time{}
}

// ConfirmText is the question to the elder's side. It says 今天 only when
// the visit happened today (Asia/Shanghai); a visit uploaded late is named
// by its own day (rule S1: "今天来过吗" about a visit two days ago would
// make a truthful "2" suspend a real visit).
func ConfirmText(volunteer string, day, now time.Time) string {
	when := "今天"
	if !day.IsZero() && clock.Today(day) != clock.Today(now) {
		d := day.In(clock.Shanghai)
		when = fmt.Sprintf("%d月%d日", d.Month(), d.Day())
	}
	return "【金晖助老】志愿者" + volunteer + when + "来过吗?回复1确认,回复2没有"
}

// ReplyWindow is how long a confirmation request waits for its reply.
const ReplyWindow = 7 * 24 * time.Hour

// replyWords maps a reply to confirmed (true) or denied (false).
var replyWords = map[string]bool{"1": true, "１": true, "是": true, "来过": true, "确认": true, "2": false, "２": false, "没有": false, "否": false, "没来": false}

// Reply matches an inbound SMS to the most recent pending confirmation
// sent to its number (the webhook checked Twilio's signature). 1 confirms
// the visit (and restores hours suspended before); 2 suspends its hours
// and files a problem. Each Twilio message is handled once, by its SID.
// It returns whether the reply answered a confirmation.
func (s *Service) Reply(ctx context.Context, sid, from, body string) (bool, error) {
	if s == nil || s.Store == nil {
		return false, nil
	}
	yes, known := replyWords[strings.TrimSpace(strings.TrimRight(strings.TrimSpace(body), "。.!！"))]
	phone, err := pii.NormalizePhone(from)
	if !known || err != nil {
		return false, nil
	}
	sent, err := s.Store.SentTo(ctx, phone)
	if err != nil || len(sent) == 0 {
		return false, err
	}
	if err := s.Store.ClaimReply(ctx, sid); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return false, nil // Twilio retried a reply handled already
		}
		return false, fmt.Errorf("supervise.Reply: %w", err)
	}
	ok, err := s.answer(ctx, sent, yes, sid, body)
	if err != nil {
		_ = s.Store.UnclaimReply(context.WithoutCancel(ctx), sid)
		return false, err
	}
	return ok, nil
}

// answer applies a reply to the most recent unanswered request within
// the reply window.
func (s *Service) answer(ctx context.Context, sent []Sent, yes bool, sid, body string) (bool, error) {
	sort.Slice(sent, func(i, j int) bool {
		if !sent[i].SentAt.Equal(sent[j].SentAt) {
			return sent[i].SentAt.After(sent[j].SentAt)
		}
		return sent[i].Visit > sent[j].Visit
	})
	a := Answer{Status: ConfirmDenied, Reply: strings.TrimSpace(body), SID: sid, At: s.Now()}
	if yes {
		a.Status = ConfirmConfirmed
	}
	var c Confirmation
	for _, x := range sent {
		if s.Now().Sub(x.SentAt) > ReplyWindow {
			return false, nil
		}
		a.ID = x.Visit
		err := s.Store.InsertAnswer(ctx, a)
		if apperr.Is(err, apperr.Conflict) {
			// Answered already: by this very message when its handling
			// failed half-way (then finish it), else go on to an older one.
			prev, perr := s.Store.Answer(ctx, x.Visit)
			if perr != nil || prev.SID != sid {
				continue
			}
			err = nil
		}
		if err != nil {
			return false, fmt.Errorf("supervise.answer: %w", err)
		}
		if c, err = s.Store.Confirmation(ctx, x.Visit); err != nil {
			return false, fmt.Errorf("supervise.answer: %w", err)
		}
		break
	}
	if c.ID == "" {
		return false, nil
	}
	if yes {
		if s.OnConfirmed != nil {
			if err := s.OnConfirmed(ctx, c.Visit); err != nil {
				return true, err
			}
		}
		return true, s.restore(ctx, c.Visit, "老人家属短信确认探访", elderSide)
	}
	if err := s.suspend(ctx, c.Visit, "老人家属短信回复未来探访", elderSide); err != nil {
		return true, err
	}
	return true, s.autoProblem(ctx, "reply:"+c.Visit, SourceReply, c.Visit, KindUnconfirmed, c.Village, c.Areas,
		"老人家属短信回复: 志愿者"+c.VolunteerName+"未来探访"+c.ElderName+"老人")
}
