// Package deploy holds the deployment files; its test parses them (no
// image can be pulled here) and checks the pieces a province needs.
package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"jinhui/shared/config"
)

type composeFile struct {
	Services map[string]struct {
		Image       string         `yaml:"image"`
		Command     any            `yaml:"command"`
		Environment map[string]any `yaml:"environment"`
		DependsOn   map[string]struct {
			Condition string `yaml:"condition"`
		} `yaml:"depends_on"`
	} `yaml:"services"`
}

func words(cmd any) []string {
	switch c := cmd.(type) {
	case string:
		return strings.Fields(c)
	case []any:
		var out []string
		for _, x := range c {
			out = append(out, strings.Fields(x.(string))...)
		}
		return out
	}
	return nil
}

// TestCompose: a 3-member replica set initiated once, Redis with three
// Sentinels, the migrate one-shot every role waits for, 2 api, 2 workers
// and exactly 1 scheduler, configured for the replica set and Sentinel.
func TestCompose(t *testing.T) {
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	roles := map[string][]string{}
	mongods, sentinels := 0, 0
	for name, s := range c.Services {
		w := words(s.Command)
		switch {
		case slices.Contains(w, "mongod"):
			mongods++
			if !slices.Contains(w, "--replSet") {
				t.Errorf("%s: mongod without --replSet", name)
			}
		case slices.Contains(w, "--sentinel"):
			sentinels++
		case s.Image == "jinhui:latest":
			if len(w) != 1 {
				t.Fatalf("%s: command %v, want one role", name, w)
			}
			roles[w[0]] = append(roles[w[0]], name)
			env := os.Environ()[:0:0]
			for k, v := range s.Environment {
				env = append(env, k+"="+v.(string))
			}
			if _, err := config.Parse(env, w, io.Discard); err != nil {
				t.Errorf("%s: configuration refused: %v", name, err)
			}
			if !strings.Contains(s.Environment["MONGODB_URI"].(string), "replicaSet=") || !strings.Contains(s.Environment["REDIS_URL"].(string), "master_name=") {
				t.Errorf("%s: not on the replica set and Sentinel: %v", name, s.Environment)
			}
			if w[0] != config.RoleMigrate && s.DependsOn["migrate"].Condition != "service_completed_successfully" {
				t.Errorf("%s does not wait for migrate: %v", name, s.DependsOn)
			}
		}
	}
	if mongods != 3 || sentinels != 3 {
		t.Errorf("%d mongod and %d sentinels, want 3 and 3", mongods, sentinels)
	}
	init := c.Services["mongo-init"]
	if cmd := strings.Join(words(init.Command), " "); !strings.Contains(cmd, "rs.initiate") || strings.Count(cmd, "host:") != 3 {
		t.Errorf("mongo-init does not initiate a 3-member set: %s", cmd)
	}
	want := map[string]int{config.RoleMigrate: 1, config.RoleAPI: 2, config.RoleWorker: 2, config.RoleScheduler: 1}
	for role, n := range want {
		if len(roles[role]) != n {
			t.Errorf("role %s: services %v, want %d", role, roles[role], n)
		}
	}
}

type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name string `yaml:"name"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Strategy struct {
			Type string `yaml:"type"`
		} `yaml:"strategy"`
		Template struct {
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type podSpec struct {
	Containers []struct {
		Args           []string `yaml:"args"`
		LivenessProbe  *probe   `yaml:"livenessProbe"`
		ReadinessProbe *probe   `yaml:"readinessProbe"`
		EnvFrom        []struct {
			ConfigMapRef *struct{ Name string } `yaml:"configMapRef"`
			SecretRef    *struct{ Name string } `yaml:"secretRef"`
		} `yaml:"envFrom"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
	} `yaml:"containers"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
		Port any    `yaml:"port"`
	} `yaml:"httpGet"`
}

func manifests(t *testing.T) []k8sObject {
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in k8s/: %v", err)
	}
	var objs []k8sObject
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var o k8sObject
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.Kind == "" {
				t.Fatalf("%s: a document without kind", f)
			}
			objs = append(objs, o)
		}
	}
	return objs
}

// TestKubernetes: Deployments for api and worker probed on /healthz and
// /readyz, the scheduler as one replica with Recreate, the migrate Job,
// and a ConfigMap and Secret that the binary accepts for every role, on a
// replica set and Sentinel.
func TestKubernetes(t *testing.T) {
	byRole := map[string]k8sObject{}
	var env []string
	for _, o := range manifests(t) {
		switch o.Kind {
		case "Deployment", "Job":
			cs := o.Spec.Template.Spec.Containers
			if len(cs) != 1 || len(cs[0].Args) != 1 {
				t.Fatalf("%s %s: want one container with the role as its argument", o.Kind, o.Metadata.Name)
			}
			byRole[cs[0].Args[0]] = o
		case "ConfigMap":
			for k, v := range o.Data {
				env = append(env, k+"="+v)
			}
		case "Secret":
			for k, v := range o.StringData {
				env = append(env, k+"="+v)
			}
		}
	}
	for _, role := range []string{config.RoleAPI, config.RoleWorker, config.RoleScheduler, config.RoleMigrate} {
		o, ok := byRole[role]
		if !ok {
			t.Errorf("no manifest runs role %s", role)
			continue
		}
		if _, err := config.Parse(env, []string{role}, io.Discard); err != nil {
			t.Errorf("role %s: the ConfigMap and Secret are refused: %v", role, err)
		}
		c := o.Spec.Template.Spec.Containers[0]
		if len(c.EnvFrom) != 2 {
			t.Errorf("role %s: configuration not taken from the ConfigMap and Secret", role)
		}
		if role == config.RoleMigrate {
			if o.Kind != "Job" {
				t.Errorf("migrate runs as a %s, want a Job", o.Kind)
			}
			continue
		}
		if o.Kind != "Deployment" {
			t.Errorf("role %s runs as a %s", role, o.Kind)
		}
		if c.LivenessProbe == nil || c.LivenessProbe.HTTPGet.Path != "/healthz" || c.ReadinessProbe == nil || c.ReadinessProbe.HTTPGet.Path != "/readyz" {
			t.Errorf("role %s: probes %+v %+v, want /healthz and /readyz", role, c.LivenessProbe, c.ReadinessProbe)
		}
		if role != config.RoleAPI && c.LivenessProbe != nil && c.LivenessProbe.HTTPGet.Port != "health" {
			t.Errorf("role %s has no API port; probe the health port, not %v", role, c.LivenessProbe.HTTPGet.Port)
		}
	}
	if s := byRole[config.RoleScheduler]; s.Spec.Replicas == nil || *s.Spec.Replicas != 1 || s.Spec.Strategy.Type != "Recreate" {
		t.Errorf("scheduler: replicas %v strategy %q, want exactly 1 with Recreate", s.Spec.Replicas, s.Spec.Strategy.Type)
	}
	joined := strings.Join(env, "\n")
	for _, want := range []string{"replicaSet=", "master_name=", "JINHUI_HEALTH_ADDR="} {
		if !strings.Contains(joined, want) {
			t.Errorf("ConfigMap/Secret lack %s", want)
		}
	}
}

// TestDockerfile: a multi-stage build of the static binary into a
// distroless (or scratch) image.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if n := len(regexp.MustCompile(`(?m)^FROM `).FindAllString(s, -1)); n < 2 {
		t.Errorf("%d FROM lines, want a multi-stage build", n)
	}
	for _, want := range []string{"CGO_ENABLED=0", "./services/cmd/jinhui", "ENTRYPOINT"} {
		if !strings.Contains(s, want) {
			t.Errorf("Dockerfile lacks %s", want)
		}
	}
	if !strings.Contains(s, "distroless/static") && !regexp.MustCompile(`(?m)^FROM scratch`).MatchString(s) {
		t.Error("the final image is not distroless/static or scratch")
	}
	if _, err := os.Stat("../services/cmd/jinhui/main.go"); err != nil {
		t.Errorf("the Dockerfile builds a package that is not there: %v", err)
	}
}

// TestOperatorGuide: the guide says how to run one scheduler, back up and
// restore MongoDB, and the order of an upgrade.
func TestOperatorGuide(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"mongodump", "mongorestore", "migrate → worker → api → scheduler", "compose.yaml", "k8s/", "JINHUI_HEALTH_ADDR", "exactly one scheduler"} {
		if !strings.Contains(s, want) {
			t.Errorf("deploy/README.md does not mention %q", want)
		}
	}
}
