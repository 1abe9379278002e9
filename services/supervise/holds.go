package supervise

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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

// suspend writes a reversing entry for a visit's credit hours unless they
// are suspended already (rule V6: corrections are entries, never edits),
// and tells the volunteer (SMS) and the organizers (an alert). A visit
// without a credit entry has nothing to suspend. The entry's key is
// suspend:visit:n, so a racing second suspension is refused by the store.
func (s *Service) suspend(ctx context.Context, visitID, why string, p access.Principal) error {
	n, r, err := s.held(ctx, visitID)
	if err != nil || n > r {
		return err
	}
	credit, err := s.Store.LedgerEntry(ctx, "visit:"+visitID)
	if apperr.Is(err, apperr.NotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("supervise.suspend: %w", err)
	}
	key := "suspend:" + visitID + ":" + strconv.Itoa(n+1)
	e := hold(credit, key, -credit.Minutes, "visit:"+visitID, why, p, s)
	if err := s.Store.RecordEntry(ctx, e); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return nil
		}
		return fmt.Errorf("supervise.suspend: %w", err)
	}
	return s.tell(ctx, key, credit, fmt.Sprintf("【金晖助老】您%s的探访服务时长(%d 分钟)因%s暂缓计入, 核实后恢复。如有疑问请联系组织者。", credit.Date, credit.Minutes, why),
		fmt.Sprintf("志愿者探访(%s)服务时长 %d 分钟暂缓计入: %s", credit.Date, credit.Minutes, why))
}

// restore writes back the hours of the open suspension of a visit, if any.
func (s *Service) restore(ctx context.Context, visitID, why string, p access.Principal) error {
	n, r, err := s.held(ctx, visitID)
	if err != nil || n <= r {
		return err
	}
	credit, err := s.Store.LedgerEntry(ctx, "visit:"+visitID)
	if err != nil {
		return fmt.Errorf("supervise.restore: %w", err)
	}
	key := "restore:" + visitID + ":" + strconv.Itoa(n)
	e := hold(credit, key, credit.Minutes, "suspend:"+visitID+":"+strconv.Itoa(n), why, p, s)
	if err := s.Store.RecordEntry(ctx, e); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return nil
		}
		return fmt.Errorf("supervise.restore: %w", err)
	}
	return s.tell(ctx, key, credit, fmt.Sprintf("【金晖助老】您%s的探访已核实, 服务时长(%d 分钟)已恢复计入。感谢您的付出!", credit.Date, credit.Minutes),
		fmt.Sprintf("志愿者探访(%s)服务时长 %d 分钟已恢复: %s", credit.Date, credit.Minutes, why))
}

func hold(credit ledger.Entry, key string, minutes int, reverses, why string, p access.Principal, s *Service) ledger.Entry {
	return ledger.Entry{ID: key, Kind: ledger.KindCredit, Volunteer: credit.Volunteer, Elder: credit.Elder, Areas: credit.Areas,
		Village: credit.Village, Date: credit.Date, Month: credit.Month, Minutes: minutes, Source: SourceCheck,
		SourceID: strings.TrimPrefix(credit.ID, "visit:"), Reverses: reverses, Reason: why, By: p.ID, ByName: p.Name, At: s.Now()}
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
