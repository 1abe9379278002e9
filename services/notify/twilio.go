package notify

import (
	"context"
	"errors"
	"net/http"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	openapi "github.com/twilio/twilio-go/rest/api/v2010"
)

// Twilio sends through Twilio's Messages API with the official client:
// its Api service alone (twilio-go's RestClient builds every one of
// Twilio's services, and importing it put some 10 MB of unused API
// clients into every binary and test binary that imports notify; issue 19).
type Twilio struct {
	api      *openapi.ApiService
	from     string
	callback string
}

// NewTwilio returns a Twilio gateway. httpClient may be nil; tests pass
// one whose transport points at a local fake (twilio-go has no base URL).
// Status callbacks go to callback (the public URL of the status webhook;
// empty: none).
func NewTwilio(sid, token, from, callback string, httpClient *http.Client) *Twilio {
	c := &twclient.Client{Credentials: twclient.NewCredentials(sid, token), HTTPClient: httpClient}
	c.SetAccountSid(sid) // the {AccountSid} of the Messages URL
	return &Twilio{api: openapi.NewApiServiceWithClient(c), from: from, callback: callback}
}

// Name is "twilio".
func (t *Twilio) Name() string { return "twilio" }

// permanent are Twilio error codes a retry cannot fix.
var permanent = map[int]bool{21610: true, 21211: true, 21614: true, 21408: true, 21612: true}

// Send creates the message and returns its SID and Twilio's status.
func (t *Twilio) Send(_ context.Context, to, body string, validity time.Duration) (string, string, error) {
	params := &openapi.CreateMessageParams{}
	params.SetTo(to)
	params.SetFrom(t.from)
	params.SetBody(body)
	if t.callback != "" {
		params.SetStatusCallback(t.callback)
	}
	if validity > 0 {
		sec := int(validity.Seconds())
		// Twilio accepts 1 to 36000 seconds (10 hours).
		params.SetValidityPeriod(max(1, min(sec, 36000)))
	}
	resp, err := t.api.CreateMessage(params)
	if err != nil {
		var te *twclient.TwilioRestError
		if errors.As(err, &te) {
			if te.Status == 429 || te.Code == 20429 {
				return "", "", &RetryableError{Msg: te.Message}
			}
			if permanent[te.Code] {
				return "", "", &PermanentError{Code: te.Code, Msg: te.Message}
			}
		}
		return "", "", err
	}
	sid, status := "", StatusSent
	if resp.Sid != nil {
		sid = *resp.Sid
	}
	if resp.Status != nil {
		switch *resp.Status {
		case "queued", "accepted", "scheduled", "sending":
			status = StatusSending // handed to Twilio; callbacks move it on
		case "":
		default:
			status = *resp.Status
		}
	}
	return sid, status, nil
}
