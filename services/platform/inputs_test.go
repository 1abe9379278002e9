package platform_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"jinhui/services/access"
	"jinhui/services/auth"
	"jinhui/services/carer"
	"jinhui/services/codecard"
	"jinhui/services/family"
	"jinhui/services/ledger"
	"jinhui/services/pairing"
	"jinhui/services/record"
	"jinhui/services/recruit"
	"jinhui/services/registry"
	"jinhui/services/supervise"
	"jinhui/services/visit"
	"jinhui/services/wish"
	"jinhui/shared/apperr"
)

// TestServicesValidateTheirInput calls every service method that takes an
// input with `validate` tags directly (no HTTP, no decoder) with an empty
// input: each answers Invalid naming the field in error. The services are
// built without a store, SMS or queue, so an input that got past the
// check would panic on its first read or write: nothing is written.
func TestServicesValidateTheirInput(t *testing.T) {
	ctx := context.Background()
	p := access.Principal{Kind: access.KindOrganizer, ID: "a", Name: "县管理员", Role: access.RoleAdmin, Region: "370101000000", Level: 3}
	_ = io.Discard
	for _, tc := range []struct {
		name  string
		call  func() error
		field string
	}{
		{"codecard.Try", func() error { _, err := (&codecard.Service{}).Try(ctx, p, "x", codecard.TryInput{}); return err }, "code"},
		{"codecard.Issue", func() error {
			_, err := (&codecard.Service{}).Issue(ctx, p, "x", codecard.IssueInput{From: "2026/01"})
			return err
		}, "from"},
		{"codecard.Revoke", func() error { _, err := (&codecard.Service{}).Revoke(ctx, p, "x", codecard.RevokeInput{}); return err }, "reason"},
		{"codecard.Print", func() error { _, err := (&codecard.Service{}).Print(ctx, p, codecard.PrintInput{}); return err }, "elders"},
		{"supervise.NewReport", func() error { _, err := (&supervise.Service{}).NewReport(ctx, p, supervise.ReportInput{}); return err }, "month"},
		{"supervise.Assign", func() error {
			_, err := (&supervise.Service{}).Assign(ctx, p, "x", supervise.AssignInput{})
			return err
		}, "assignee"},
		{"supervise.RecordResult", func() error {
			_, err := (&supervise.Service{}).RecordResult(ctx, p, "x", supervise.ResultInput{})
			return err
		}, "result"},
		{"supervise.NewProblem", func() error {
			_, err := (&supervise.Service{}).NewProblem(ctx, p, supervise.ProblemInput{})
			return err
		}, "area"},
		{"supervise.Rectify", func() error {
			_, err := (&supervise.Service{}).Rectify(ctx, p, "x", supervise.RectifyInput{})
			return err
		}, "note"},
		{"supervise.Recheck", func() error {
			_, err := (&supervise.Service{}).Recheck(ctx, p, "x", supervise.RecheckInput{})
			return err
		}, "note"},
		{"supervise.NewDraw", func() error { _, err := (&supervise.Service{}).NewDraw(ctx, p, supervise.DrawInput{}); return err }, "region"},
		{"pairing.AddRule", func() error { _, err := (&pairing.Service{}).AddRule(ctx, p, pairing.RuleInput{}); return err }, "kind"},
		{"pairing.RevokeRule", func() error {
			_, err := (&pairing.Service{}).RevokeRule(ctx, p, "x", pairing.RevokeInput{})
			return err
		}, "reason"},
		{"pairing.Propose", func() error { _, err := (&pairing.Service{}).Propose(ctx, p, pairing.ProposeInput{}); return err }, "region"},
		{"pairing.Override", func() error {
			_, err := (&pairing.Service{}).Override(ctx, p, "x", pairing.OverrideInput{})
			return err
		}, "volunteer"},
		{"pairing.Confirm", func() error { _, err := (&pairing.Service{}).Confirm(ctx, p, "x", pairing.ConfirmInput{}); return err }, "version"},
		{"pairing.SaveSettings", func() error {
			_, err := (&pairing.Service{}).SaveSettings(ctx, p, "x", pairing.SettingsInput{})
			return err
		}, "policy"},
		{"pairing.ConfirmRelay", func() error {
			_, err := (&pairing.Service{}).ConfirmRelay(ctx, p, "x", pairing.RelayConfirmInput{})
			return err
		}, "version"},
		{"pairing.SetNotes", func() error { _, err := (&pairing.Service{}).SetNotes(ctx, p, "x", pairing.NotesInput{}); return err }, "notes"},
		{"pairing.EndPair", func() error { _, err := (&pairing.Service{}).EndPair(ctx, p, "x", pairing.EndInput{}); return err }, "reason"},
		{"visit.ReviewVisit", func() error { _, err := (&visit.Service{}).ReviewVisit(ctx, p, "x", visit.ReviewInput{}); return err }, "note"},
		{"visit.ProposeDate", func() error { _, err := (&visit.Service{}).ProposeDate(ctx, p, "x", visit.DateInput{}); return err }, "date"},
		{"visit.GiveBack", func() error { _, err := (&visit.Service{}).GiveBack(ctx, p, "x", visit.ReasonInput{}); return err }, "reason"},
		{"visit.Take", func() error { _, err := (&visit.Service{}).Take(ctx, p, "x", visit.ReasonInput{}); return err }, "reason"},
		{"visit.Swap", func() error { _, err := (&visit.Service{}).Swap(ctx, p, "x", visit.SwapInput{}); return err }, "with"},
		{"visit.CheckIn", func() error { _, err := (&visit.Service{}).CheckIn(ctx, p, "x", visit.CheckInInput{}); return err }, "key"},
		{"visit.CheckOut", func() error { _, err := (&visit.Service{}).CheckOut(ctx, p, "x", visit.CheckOutInput{}); return err }, "key"},
		{"visit.PutSettings", func() error { _, err := (&visit.Service{}).PutSettings(ctx, p, "x", visit.Settings{}); return err }, "perMonth"},
		{"ledger.PutSettings", func() error {
			_, err := (&ledger.Service{}).PutSettings(ctx, p, "x", ledger.CertSettings{})
			return err
		}, "issuer"},
		{"ledger.Withdraw", func() error { _, err := (&ledger.Service{}).Withdraw(ctx, p, "x", ledger.WithdrawInput{}); return err }, "reason"},
		{"ledger.AddHonour", func() error { _, err := (&ledger.Service{}).AddHonour(ctx, p, ledger.HonourInput{}); return err }, "key"},
		{"ledger.Correct", func() error { _, err := (&ledger.Service{}).Correct(ctx, p, "x", ledger.CorrectInput{}); return err }, "reason"},
		{"ledger.Issue", func() error { _, err := (&ledger.Service{}).Issue(ctx, p, "x", ledger.CertificateInput{}); return err }, "from"},
		{"record.AddAward", func() error { _, err := (&record.Service{}).AddAward(ctx, p, "x", record.AwardInput{}); return err }, "date"},
		{"record.AddEvaluation", func() error {
			_, err := (&record.Service{}).AddEvaluation(ctx, p, "x", record.EvaluationInput{})
			return err
		}, "date"},
		{"record.RequestCorrection", func() error {
			_, err := (&record.Service{}).RequestCorrection(ctx, p, record.CorrectionInput{})
			return err
		}, "part"},
		{"record.Accept", func() error { _, err := (&record.Service{}).Accept(ctx, p, "x", record.DecisionInput{}); return err }, "version"},
		{"record.Refuse", func() error { _, err := (&record.Service{}).Refuse(ctx, p, "x", record.DecisionInput{}); return err }, "version"},
		{"record.Export", func() error {
			_, err := (&record.Service{}).Export(ctx, p, record.ExportInput{}, io.Discard)
			return err
		}, "from"},
		{"registry.ProposeElder", func() error { _, err := (&registry.Service{}).ProposeElder(ctx, p, registry.ElderInput{}); return err }, "name"},
		{"registry.UpdateElder", func() error {
			_, err := (&registry.Service{}).UpdateElder(ctx, p, "x", 0, registry.ElderInput{})
			return err
		}, "name"},
		{"registry.ChangeElderStatus", func() error {
			_, err := (&registry.Service{}).ChangeElderStatus(ctx, p, "x", registry.StatusInput{})
			return err
		}, "status"},
		{"registry.OverrideEligibility", func() error {
			_, err := (&registry.Service{}).OverrideEligibility(ctx, p, "x", registry.OverrideInput{})
			return err
		}, "reason"},
		{"registry.ApproveElder", func() error {
			_, err := (&registry.Service{}).ApproveElder(ctx, p, "x", registry.IntakeInput{})
			return err
		}, "version"},
		{"registry.RejectElder", func() error {
			_, err := (&registry.Service{}).RejectElder(ctx, p, "x", registry.IntakeInput{})
			return err
		}, "version"},
		{"registry.ConfirmElder", func() error {
			_, err := (&registry.Service{}).ConfirmElder(ctx, p, "x", registry.IntakeInput{})
			return err
		}, "version"},
		{"registry.ChangeCarerStatus", func() error {
			_, err := (&registry.Service{}).ChangeCarerStatus(ctx, p, "x", registry.StatusInput{})
			return err
		}, "status"},
		{"registry.CreateVolunteer", func() error {
			_, err := (&registry.Service{}).CreateVolunteer(ctx, p, registry.VolunteerInput{})
			return err
		}, "name"},
		{"registry.UpdateVolunteer", func() error {
			_, err := (&registry.Service{}).UpdateVolunteer(ctx, p, "x", 0, registry.VolunteerInput{})
			return err
		}, "name"},
		{"registry.ChangeVolunteerStatus", func() error {
			_, err := (&registry.Service{}).ChangeVolunteerStatus(ctx, p, "x", registry.StatusInput{})
			return err
		}, "status"},
		{"registry.CreateCarer", func() error { _, err := (&registry.Service{}).CreateCarer(ctx, p, registry.CarerInput{}); return err }, "name"},
		{"registry.SetKeyVillage", func() error {
			_, err := (&registry.Service{}).SetKeyVillage(ctx, p, "x", registry.KeyVillageInput{})
			return err
		}, "keyVillage"},
		{"wish.RequestCode", func() error { err := (&wish.Service{}).RequestCode(ctx, wish.CodeInput{}, "x"); return err }, "phone"},
		{"wish.Claim", func() error { _, err := (&wish.Service{}).Claim(ctx, "x", wish.ClaimInput{}, "x"); return err }, "donorKind"},
		{"wish.Record", func() error { _, err := (&wish.Service{}).Record(ctx, p, wish.Input{}); return err }, "elder"},
		{"wish.Approve", func() error { _, err := (&wish.Service{}).Approve(ctx, p, "x", wish.Decision{}); return err }, "version"},
		{"wish.Reject", func() error { _, err := (&wish.Service{}).Reject(ctx, p, "x", wish.Decision{}); return err }, "version"},
		{"wish.CreatePost", func() error { _, err := (&wish.Service{}).CreatePost(ctx, p, wish.PostInput{}); return err }, "title"},
		{"wish.DecidePost", func() error { _, err := (&wish.Service{}).DecidePost(ctx, p, "x", true, wish.Decision{}); return err }, "version"},
		{"recruit.RequestCode", func() error { err := (&recruit.Service{}).RequestCode(ctx, recruit.CodeInput{}, "x"); return err }, "phone"},
		{"recruit.Apply", func() error { _, err := (&recruit.Service{}).Apply(ctx, "x", recruit.ApplyInput{}, "x"); return err }, "name"},
		{"recruit.Status", func() error { _, err := (&recruit.Service{}).Status(ctx, recruit.StatusInput{}, "x"); return err }, "phone"},
		{"recruit.CreatePartner", func() error { _, err := (&recruit.Service{}).CreatePartner(ctx, p, recruit.PartnerInput{}); return err }, "name"},
		{"recruit.UpdatePartner", func() error {
			_, err := (&recruit.Service{}).UpdatePartner(ctx, p, "x", recruit.PartnerUpdate{})
			return err
		}, "version"},
		{"recruit.Review", func() error { _, err := (&recruit.Service{}).Review(ctx, p, "x", recruit.ReviewInput{}); return err }, "version"},
		{"recruit.CreateCall", func() error { _, err := (&recruit.Service{}).CreateCall(ctx, p, recruit.CallInput{}); return err }, "title"},
		{"recruit.UpdateCall", func() error { _, err := (&recruit.Service{}).UpdateCall(ctx, p, "x", recruit.CallUpdate{}); return err }, "version"},
		{"recruit.CreateBatch", func() error { _, err := (&recruit.Service{}).CreateBatch(ctx, p, recruit.BatchInput{}); return err }, "date"},
		{"recruit.Invite", func() error {
			_, err := (&recruit.Service{}).Invite(ctx, p, "x", recruit.VolunteersInput{})
			return err
		}, "volunteerIds"},
		{"recruit.Attendance", func() error {
			_, err := (&recruit.Service{}).Attendance(ctx, p, "x", recruit.VolunteersInput{})
			return err
		}, "volunteerIds"},
		{"family.Add", func() error { _, err := (&family.Service{}).Add(ctx, p, "x", family.MemberInput{}); return err }, "name"},
		{"family.Consent", func() error { _, err := (&family.Service{}).Consent(ctx, p, "x", family.ConsentInput{}); return err }, "how"},
		{"family.Withdraw", func() error { _, err := (&family.Service{}).Withdraw(ctx, p, "x", family.WithdrawInput{}); return err }, "reason"},
		{"carer.AddToRoster", func() error { _, err := (&carer.Service{}).AddToRoster(ctx, p, carer.RosterInput{}); return err }, "carer"},
		{"carer.Leave", func() error { _, err := (&carer.Service{}).Leave(ctx, p, "x", carer.LeaveInput{}); return err }, "date"},
		{"carer.AddLog", func() error { _, err := (&carer.Service{}).AddLog(ctx, p, carer.LogInput{}); return err }, "key"},
		{"carer.PutRule", func() error { _, err := (&carer.Service{}).PutRule(ctx, p, "x", carer.Rule{}); return err }, "mode"},
		{"carer.Compute", func() error { _, err := (&carer.Service{}).Compute(ctx, p, carer.ComputeInput{}); return err }, "county"},
		{"carer.Approve", func() error { _, err := (&carer.Service{}).Approve(ctx, p, "x", carer.ApproveInput{}); return err }, "version"},
		{"auth.CreateAccount", func() error { _, err := (&auth.Service{}).CreateAccount(ctx, p, auth.AccountInput{}, nil); return err }, "username"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = fmt.Errorf("input not checked before use: %v", r)
					}
				}()
				err = tc.call()
			}()
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || e.Field != tc.field {
				t.Errorf("%v, want Invalid naming %q", err, tc.field)
			}
		})
	}
}
