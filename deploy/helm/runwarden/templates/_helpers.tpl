{{- define "runwarden.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "runwarden.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "runwarden.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "runwarden.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "runwarden.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* What the operator does to runs, Jobs, pods and events, wherever runs are watched. */}}
{{- define "runwarden.runRules" -}}
- apiGroups: ["runwarden.io"]
  resources: ["qualificationruns"]
  verbs: ["get", "list", "watch", "patch", "delete"]   # patch: replaced-by mark; delete: GC
- apiGroups: ["runwarden.io"]
  resources: ["qualificationruns/status"]
  verbs: ["get", "patch"]
# Each run's report (the workers' channel): created and opened by the operator, which never
# writes its status.
- apiGroups: ["runwarden.io"]
  resources: ["qualificationrunreports"]
  verbs: ["get", "list", "watch", "create", "patch", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "delete"]
# spec.job.templateRef: the PodTemplate an attempt's pod is made from.
- apiGroups: [""]
  resources: ["podtemplates"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- if .Values.workerAccess.enabled }}
# spec.job.workerAccess OwnRun: each such run gets a ServiceAccount, a Role limited to its own
# report and a RoleBinding, all owned by the run. RBAC lets a Role grant only what its maker
# holds, hence the report status rule: the operator never writes a report's status itself.
- apiGroups: ["runwarden.io"]
  resources: ["qualificationrunreports/status"]
  verbs: ["get", "patch"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "create", "delete"]
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "create", "delete"]
{{- end }}
{{- if .Values.externalService.secretAccess }}
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get"]
  {{- with .Values.externalService.secretNames }}
  resourceNames:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end -}}


{{/* The operator's image: by digest when one is given (what runs is then exactly what was checked). */}}
{{- define "runwarden.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}
{{- end -}}
