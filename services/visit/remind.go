package visit

import (
	"context"
	"fmt"
	"time"

	"jinhui/shared/apperr"
	"jinhui/shared/clock"
)

// Sweep queues every reminder due before horizon that is still pending.
// MongoDB holds the reminders, so a Redis restart or flush loses nothing:
// the next sweep queues them again (the task id is the reminder id, so a
// reminder already queued is not queued twice).
func (s *Service) Sweep(ctx context.Context, horizon time.Duration) (int, error) {
	now := s.Now()
	rs, err := s.Store.DueReminders(ctx, now.Add(horizon), 5000)
	if err != nil {
		return 0, fmt.Errorf("visit.Sweep: %w", err)
	}
	for _, r := range rs {
		at := r.Due
		if at.Before(now) {
			at = now
		}
		if r.Kind == RemindD3 || r.Kind == RemindD1 || r.Kind == RemindMissed || r.Kind == RemindOffer {
			at = NextSendable(at)
		}
		if err := s.Queue.EnqueueReminder(ctx, r.ID, at); err != nil {
			return 0, fmt.Errorf("visit.Sweep: %w", err)
		}
	}
	return len(rs), nil
}

// Remind handles one due reminder: the SMS before a visit, or a step of a
// missed visit's escalation — remind the volunteer, offer it to the
// partner, alert the organizer. It does nothing for a visit done by then,
// waits out quiet hours (21:00–08:00), and is safe to run twice: each SMS
// has the reminder's key and each step is recorded on the visit.
func (s *Service) Remind(ctx context.Context, id string) error {
	r, err := s.Store.Reminder(ctx, id)
	if err != nil {
		if apperr.Is(err, apperr.NotFound) {
			return nil
		}
		return fmt.Errorf("visit.Remind: %w", err)
	}
	now := s.Now()
	if r.Status != ReminderPending || now.Before(r.Due) {
		return nil
	}
	v, err := s.Store.Visit(ctx, r.Visit)
	if err != nil {
		return fmt.Errorf("visit.Remind: %w", err)
	}
	if v.Status == StatusDone || v.Status == StatusCancelled || v.Status == StatusCheckedIn {
		return s.Store.SetReminderDone(ctx, r.ID, ReminderSkipped, now)
	}
	if r.Kind != RemindAlert && QuietHours(now) {
		return nil // the next sweep queues it again at 08:00
	}
	vars := map[string]string{"volunteer": v.VolunteerName, "elder": v.ElderName, "village": v.VillageName, "date": cnDate(v.Date)}
	switch r.Kind {
	case RemindD3, RemindD1:
		day, _ := clock.ParseDate(v.Date)
		if err := s.text(ctx, r.ID, v.Volunteer, "visit_"+r.Kind, vars, day.Add(21*time.Hour)); err != nil {
			return err
		}
	case RemindMissed:
		if v.Escalation < 1 {
			v.Escalation, v.Status = 1, StatusMissed
			s.escalate(&v, "未按期探访, 已提醒志愿者")
			if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
				return fmt.Errorf("visit.Remind: %w", err)
			}
		}
		if err := s.text(ctx, r.ID, v.Volunteer, "visit_missed", vars, now.Add(36*time.Hour)); err != nil {
			return err
		}
	case RemindOffer:
		if v.Escalation < 2 {
			v.Escalation = 2
			if len(v.Partners) > 0 {
				v.Status = StatusOffered
			}
			s.escalate(&v, "仍未探访, 已请搭档志愿者代为探访")
			if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
				return fmt.Errorf("visit.Remind: %w", err)
			}
		}
		s.offer(ctx, v, r.ID)
	case RemindAlert:
		if v.Escalation < 3 {
			v.Escalation = 3
			s.escalate(&v, "仍未探访, 已通报组织者")
			if err := s.Store.ReplaceVisit(ctx, &v); err != nil {
				return fmt.Errorf("visit.Remind: %w", err)
			}
		}
		a := Alert{ID: v.ID + ":missed", Visit: v.ID, Elder: v.Elder, ElderName: v.ElderName, Village: v.Village, Areas: v.Areas,
			Message: fmt.Sprintf("%s(%s)原定%s的探访已逾期 5 天未完成, 志愿者: %s", v.ElderName, v.VillageName, cnDate(v.Date), v.VolunteerName), At: now}
		if err := s.Store.InsertVisitAlert(ctx, a); err != nil && !apperr.Is(err, apperr.Conflict) {
			return fmt.Errorf("visit.Remind: %w", err)
		}
	}
	return s.Store.SetReminderDone(ctx, r.ID, ReminderDone, now)
}

func (s *Service) escalate(v *Visit, why string) {
	v.Changes = append(v.Changes, Change{Kind: "escalate", Reason: why, By: "system", ByName: "系统", At: s.Now()})
	v.UpdatedAt = s.Now()
}

// offer texts the partners that they may take the visit.
func (s *Service) offer(ctx context.Context, v Visit, key string) {
	for _, q := range v.Partners {
		_ = s.text(ctx, key+":"+q.ID, q.ID, "visit_offer",
			map[string]string{"volunteer": q.Name, "partner": v.VolunteerName, "elder": v.ElderName, "village": v.VillageName, "date": cnDate(v.Date)}, s.Now().Add(48*time.Hour))
	}
}

func (s *Service) text(ctx context.Context, key, volunteer, template string, vars map[string]string, until time.Time) error {
	phone, err := s.Store.VolunteerPhone(ctx, volunteer)
	if err != nil {
		return fmt.Errorf("visit.text: %w", err)
	}
	return s.SMS.SendTemplate(ctx, key, phone, template, vars, until)
}

// cnDate writes 2026-12-08 as 12月8日.
func cnDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return fmt.Sprintf("%d月%d日", t.Month(), t.Day())
}
