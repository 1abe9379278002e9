package family

import (
	"context"
	"fmt"
	"strings"

	"jinhui/shared/apperr"
	"jinhui/shared/pii"
)

var (
	consentWords  = map[string]bool{"同意": true, "同意接收": true, "接收": true}
	withdrawWords = map[string]bool{"退订": true, "TD": true, "T": true, "STOP": true, "取消": true, "UNSUBSCRIBE": true}
	confirmWords  = map[string]bool{"1": true, "１": true, "2": true, "２": true, "是": true, "否": true, "来过": true, "没有": true, "没来": true, "确认": true}
)

// Reply handles an SMS from a family member (the webhook checked its
// signature): 同意 records consent asked for by SMS; 退订 withdraws it; a
// 1/2 answered a visit already (confirmed is true when supervision
// applied it) and is only kept; any other text is a concern filed in the
// problem ledger for the elder's village, the reply linked. Each SID is
// handled once. It reports whether the sender is a family member.
func (s *Service) Reply(ctx context.Context, sid, from, body string, confirmed bool) (bool, error) {
	if s == nil || s.Store == nil {
		return false, nil
	}
	phone, err := pii.NormalizePhone(from)
	if err != nil {
		return false, nil
	}
	ms, err := s.Store.FamilyByPhone(ctx, phone)
	if err != nil || len(ms) == 0 {
		return false, err
	}
	text := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(body), "。.!！"))
	word := strings.ToUpper(text)
	m := ms[0]
	r := Reply{ID: sid, Member: m.ID, Name: m.Name, Relation: m.Relation, Elder: m.Elder, ElderName: m.ElderName, Village: m.Village,
		Areas: m.Areas, Body: text, At: s.Now()}
	switch {
	case consentWords[word]:
		r.Kind = ReplyConsent
	case withdrawWords[word]:
		r.Kind = ReplyWithdraw
	case confirmWords[word] || confirmed:
		r.Kind = ReplyConfirm
	case text == "":
		return true, nil
	default:
		r.Kind = ReplyConcern
	}
	// The effects first (each idempotent), the reply last: a webhook that
	// Twilio retries after a failure half-way finishes the work.
	switch r.Kind {
	case ReplyConsent, ReplyWithdraw:
		for i := range ms {
			if err := s.consentBySMS(ctx, &ms[i], r); err != nil {
				return true, err
			}
		}
	case ReplyConcern:
		desc := "家属" + m.Name + "(" + m.Relation + ")短信反映" + m.ElderName + "老人的情况: " + text
		id, err := s.Problems.FileFamilyConcern(ctx, sid, m.Village, m.Areas, desc)
		if err != nil {
			return true, fmt.Errorf("family.Reply: %w", err)
		}
		r.Problem = id
	}
	if err := s.Store.InsertFamilyReply(ctx, r); err != nil && !apperr.Is(err, apperr.Conflict) {
		return true, fmt.Errorf("family.Reply: %w", err)
	}
	return true, nil
}

// consentBySMS applies 同意 (to a pending request) or 退订 to one member.
func (s *Service) consentBySMS(ctx context.Context, m *Member, r Reply) error {
	step := ConsentLog{How: HowSMS, SID: r.ID, By: m.Name, At: r.At, Scope: m.Scope}
	switch {
	case r.Kind == ReplyConsent && m.Consent == ConsentRequested:
		m.Consent, step.State, step.GivenBy = ConsentGiven, ConsentGiven, m.Name
	case r.Kind == ReplyWithdraw && (m.Consent == ConsentGiven || m.Consent == ConsentRequested):
		m.Consent, step.State, step.Reason = ConsentWithdrawn, ConsentWithdrawn, "家属短信退订"
	default:
		return nil
	}
	m.History = append(m.History, step)
	if err := s.Store.ReplaceFamilyMember(ctx, m); err != nil {
		return fmt.Errorf("family.consentBySMS: %w", err)
	}
	return nil
}
