package config

import (
	"io"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		env     []string
		args    []string
		wantErr string // a fragment the error must contain; "" for success
	}{
		{"OKDefaults", nil, nil, ""},
		{"OKRoleFromArg", []string{"MONGODB_URI=mongodb://db:27017", "REDIS_URL=redis://r:6379/0"}, []string{"worker"}, ""},
		{"ErrUnknownVariable", []string{"JINHUI_HTTP_ADRR=:9000"}, nil, "JINHUI_HTTP_ADRR"},
		{"ErrMalformedBool", []string{"JINHUI_DEMO=maybe"}, nil, "JINHUI_DEMO"},
		{"ErrMalformedDuration", []string{"JINHUI_SESSION_TTL=forever"}, nil, "JINHUI_SESSION_TTL"},
		{"ErrBadAddr", []string{"JINHUI_HTTP_ADDR=8080"}, nil, "JINHUI_HTTP_ADDR"},
		{"ErrRoleNeedsServers", []string{"JINHUI_ROLE=api"}, nil, "MONGODB_URI"},
		{"ErrBadRole", nil, []string{"-role", "everything"}, "JINHUI_ROLE"},
		{"ErrMongoScheme", []string{"MONGODB_URI=http://x"}, nil, "MONGODB_URI"},
		{"ErrRedisURL", []string{"REDIS_URL=redis://h:notaport"}, nil, "REDIS_URL"},
		{"ErrTwilioPartial", []string{"TWILIO_ACCOUNT_SID=AC123"}, nil, "TWILIO_AUTH_TOKEN"},
		{"OKMigrateNeedsOnlyMongo", []string{"MONGODB_URI=mongodb://db:27017"}, []string{"migrate"}, ""},
		{"ErrMigrateNeedsMongo", nil, []string{"migrate"}, "MONGODB_URI"},
		{"OKHealthAddr", []string{"MONGODB_URI=mongodb://db:27017", "REDIS_URL=redis://r:6379/0", "JINHUI_HEALTH_ADDR=:8081"}, []string{"worker"}, ""},
		{"ErrHealthAddr", []string{"JINHUI_HEALTH_ADDR=8081"}, nil, "JINHUI_HEALTH_ADDR"},
		{"ErrSweepEvery", []string{"JINHUI_SWEEP_EVERY=10ms"}, nil, "JINHUI_SWEEP_EVERY"},
		{"ErrDemoScale", []string{"JINHUI_DEMO_SCALE=huge"}, nil, "JINHUI_DEMO_SCALE"},
		{"ErrDataDirHash", []string{"JINHUI_DATA_DIR=/srv/金晖#2"}, nil, "JINHUI_DATA_DIR"},
		{"ErrDataDirPercent", []string{"JINHUI_DATA_DIR=./data%1"}, nil, "JINHUI_DATA_DIR"},
		{"OKDataDirWithMongo", []string{"MONGODB_URI=mongodb://db:27017", "REDIS_URL=redis://r:6379/0", "JINHUI_DATA_DIR=/srv/a#b"}, []string{"api"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.env, tt.args, io.Discard)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse error = %v, want one naming %s", err, tt.wantErr)
			}
		})
	}
}

func TestFlagsOverrideEnv(t *testing.T) {
	c, err := Parse([]string{"JINHUI_HTTP_ADDR=:9000"}, []string{"-http-addr", "127.0.0.1:7000"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != "127.0.0.1:7000" {
		t.Fatalf("HTTPAddr = %q", c.HTTPAddr)
	}
}

func TestStringMasksSecrets(t *testing.T) {
	c, err := Parse([]string{
		"MONGODB_URI=mongodb://jinhui:s3cretpw@db1:27017,db2:27017/?replicaSet=rs0",
		"REDIS_URL=redis://:redispw@r:6379/0",
		"TWILIO_ACCOUNT_SID=AC0123456789abcdef", "TWILIO_AUTH_TOKEN=tok3nvalue", "TWILIO_FROM=+15005550006",
	}, nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := c.String()
	for _, secret := range []string{"s3cretpw", "redispw", "tok3nvalue", "0123456789abcdef"} {
		if strings.Contains(out, secret) {
			t.Errorf("printed config shows secret %q:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "db1:27017") || !strings.Contains(out, "+15005550006") {
		t.Errorf("printed config hides non-secrets:\n%s", out)
	}
}
