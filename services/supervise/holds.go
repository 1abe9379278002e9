package supervise

import (
	"context"
	"fmt"
	"strconv"

	"jinhui/services/access"
	"jinhui/services/ledger"
	"jinhui/shared/apperr"
)

// SourceCheck marks the ledger entries of supervision.
const SourceCheck = "check"

// held returns how many times a visit's hours were suspended and
// restored. The entries' keys are suspend:visit:n and restore:visit:n, so
// they are probed by _id (fast on every backend) instead of searched.
func (s *Service) held(ctx context.Context, visitID string) (suspended, restored int, err error) {
	for n := 1; ; n++ {
		_, err := s.Store.LedgerEntry(ctx, "suspend:"+visitID+":"+strconv.Itoa(n))
		if apperr.Is(err, apperr.NotFound) {
			break
		}
		if err != nil {
			return 0, 0, fmt.Errorf("supervise.held: %w", err)
		}
		suspended = n
	}
	if suspended == 0 {
		return 0, 0, nil
	}
	_, err = s.Store.LedgerEntry(ctx, "restore:"+visitID+":"+strconv.Itoa(suspended))
	switch {
	case err == nil:
		return suspended, suspended, nil
	case apperr.Is(err, apperr.NotFound):
		return suspended, suspended - 1, nil
	}
	return 0, 0, fmt.Errorf("supervise.held: %w", err)
}

// Suspended reports whether a visit's credit hours are suspended now.
func (s *Service) Suspended(ctx context.Context, visitID string) (bool, error) {
	n, r, err := s.held(ctx, visitID)
	return n > r, err
}

// suspend writes a reversing entry for a visit's credit hours, as they
// count now (after any correction), unless they are suspended already
// (rule V6: corrections are entries, never edits), through the ledger so
// that the totals, "my hours" and certificates drop them at once, and
// tells the volunteer (SMS) and the organizers (an alert). A visit without
// credit hours has nothing to suspend. The entry's key is
// suspend:visit:n, so a racing second suspension is refused by the store,
// and a repeat after a crash completes the totals and the messages.
func (s *Service) suspend(ctx context.Context, visitID, why string, p access.Principal) error {
	n, r, err := s.held(ctx, visitID)
	if err != nil {
		return err
	}
	if n > r { // suspended: finish what a crash may have left undone
		e, err := s.Store.LedgerEntry(ctx, "suspend:"+visitID+":"+strconv.Itoa(n))
		if err != nil {
			return fmt.Errorf("supervise.suspend: %w", err)
		}
		return s.suspended(ctx, e)
	}
	credit, err := s.Ledger.Current(ctx, "visit:"+visitID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("supervise.suspend: %w", err)
	}
	e := hold(credit, visitID, "suspend:"+visitID+":"+strconv.Itoa(n+1), -credit.Minutes, credit.ID, why, p, s)
	e.Over4h = credit.Over4h
	if err := s.Ledger.Append(ctx, e); err != nil {
		return fmt.Errorf("supervise.suspend: %w", err)
	}
	return s.suspended(ctx, e)
}

func (s *Service) suspended(ctx context.Context, e ledger.Entry) error {
	if err := s.Ledger.Append(ctx, e); err != nil { // a no-op unless a crash cut it short
		return fmt.Errorf("supervise.suspend: %w", err)
	}
	return s.tell(ctx, e.ID, e, fmt.Sprintf("【金晖助老】您%s的探访服务时长(%d 分钟)因%s暂缓计入, 核实后恢复。如有疑问请联系组织者。", e.Date, -e.Minutes, e.Reason),
		fmt.Sprintf("志愿者探访(%s)服务时长 %d 分钟暂缓计入: %s", e.Date, -e.Minutes, e.Reason))
}

// restore writes back the hours of the open suspension of a visit, if
// any: the minutes it suspended, as an entry that reinstates it.
func (s *Service) restore(ctx context.Context, visitID, why string, p access.Principal) error {
	n, r, err := s.held(ctx, visitID)
	if err != nil || n == 0 {
		return err
	}
	key := "restore:" + visitID + ":" + strconv.Itoa(n)
	if n == r { // restored: finish what a crash may have left undone
		e, err := s.Store.LedgerEntry(ctx, key)
		if err != nil {
			return fmt.Errorf("supervise.restore: %w", err)
		}
		return s.restored(ctx, e)
	}
	sus, err := s.Store.LedgerEntry(ctx, "suspend:"+visitID+":"+strconv.Itoa(n))
	if err != nil {
		return fmt.Errorf("supervise.restore: %w", err)
	}
	e := hold(sus, visitID, key, -sus.Minutes, sus.ID, why, p, s)
	e.Over4h, e.Reinstates = sus.Over4h, true
	if err := s.Ledger.Append(ctx, e); err != nil {
		return fmt.Errorf("supervise.restore: %w", err)
	}
	return s.restored(ctx, e)
}

func (s *Service) restored(ctx context.Context, e ledger.Entry) error {
	if err := s.Ledger.Append(ctx, e); err != nil {
		return fmt.Errorf("supervise.restore: %w", err)
	}
	return s.tell(ctx, e.ID, e, fmt.Sprintf("【金晖助老】您%s的探访已核实, 服务时长(%d 分钟)已恢复计入。感谢您的付出!", e.Date, e.Minutes),
		fmt.Sprintf("志愿者探访(%s)服务时长 %d 分钟已恢复: %s", e.Date, e.Minutes, e.Reason))
}

func hold(credit ledger.Entry, visitID, key string, minutes int, reverses, why string, p access.Principal, s *Service) ledger.Entry {
	return ledger.Entry{ID: key, Kind: ledger.KindCredit, Volunteer: credit.Volunteer, Elder: credit.Elder, Areas: credit.Areas,
		Village: credit.Village, Date: credit.Date, Month: credit.Month, Minutes: minutes, Source: SourceCheck,
		SourceID: visitID, Reverses: reverses, Reason: why, By: p.ID, ByName: p.Name, At: s.Now()}
}

// tell texts the volunteer and records an alert for the organizers.
func (s *Service) tell(ctx context.Context, key string, credit ledger.Entry, sms, alert string) error {
	if phone, err := s.Store.VolunteerPhone(ctx, credit.Volunteer); err == nil && phone != "" && s.SMS != nil {
		if err := s.SMS.Send(ctx, key, phone, "supervise", sms); err != nil {
			return fmt.Errorf("supervise.tell: %w", err)
		}
	}
	err := s.Store.InsertSupAlert(ctx, Alert{ID: key, Kind: "hours", Areas: credit.Areas, Village: credit.Village, Message: alert, At: s.Now()})
	if err != nil && !apperr.Is(err, apperr.Conflict) {
		return fmt.Errorf("supervise.tell: %w", err)
	}
	return nil
}
