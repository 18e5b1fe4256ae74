{{/*
Helpers of the chart. The templates under templates/generated/ are written by `npm run manifests`
from the same wiring as metacontroller/ and use only the helpers below for release-specific parts.
*/}}

{{/* Name of every namespaced object of the release. */}}
{{- define "lattice-gateway-hooks.fullname" -}}
{{- default .Chart.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The Service Metacontroller calls: its name is written only here. */}}
{{- define "lattice-gateway-hooks.hookServiceName" -}}
{{- include "lattice-gateway-hooks.fullname" . -}}
{{- end -}}

{{/* The headless Service listing the ready replicas (REPLICA_PEERS). */}}
{{- define "lattice-gateway-hooks.replicasServiceName" -}}
{{- printf "%s-replicas" (include "lattice-gateway-hooks.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* http or https: the scheme of the hooks, the Service port name and the probes. */}}
{{- define "lattice-gateway-hooks.hookProtocol" -}}
{{- ternary "https" "http" .Values.tls.enabled -}}
{{- end -}}

{{/* The host of Metacontroller's service-form hook URL, which endpointConfigs entries match. */}}
{{- define "lattice-gateway-hooks.hookHost" -}}
{{- printf "%s.%s:%v" (include "lattice-gateway-hooks.hookServiceName" .) .Release.Namespace .Values.service.port -}}
{{- end -}}

{{- define "lattice-gateway-hooks.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: hook-server
{{- end -}}

{{- define "lattice-gateway-hooks.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "lattice-gateway-hooks.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "lattice-gateway-hooks.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "lattice-gateway-hooks.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The Secret with HOOK_AUTH_TOKEN, read by the server and by Metacontroller. */}}
{{- define "lattice-gateway-hooks.hookAuthSecretName" -}}
{{- default (printf "%s-auth" (include "lattice-gateway-hooks.fullname" .)) .Values.hookAuth.existingSecret -}}
{{- end -}}

{{/* Above preStop + SHUTDOWN_GRACE_MS, so the server always ends by itself before the kubelet kills it. */}}
{{- define "lattice-gateway-hooks.terminationGracePeriodSeconds" -}}
{{- add (div (int64 .Values.config.shutdownGraceMs) 1000) (int64 .Values.preStopSleepSeconds) 5 -}}
{{- end -}}

{{/*
Metacontroller endpointConfigs of every controller: the bearer token and the CA, set once per
controller for the host of the hook Service (Metacontroller v4.16+).
*/}}
{{- define "lattice-gateway-hooks.endpointConfigs" -}}
{{- if or .Values.hookAuth.enabled .Values.tls.enabled -}}
endpointConfigs:
  - host: {{ include "lattice-gateway-hooks.hookHost" . | quote }}
    {{- if .Values.hookAuth.enabled }}
    authorization:
      type: Bearer
      secretRef:
        name: {{ include "lattice-gateway-hooks.hookAuthSecretName" . }}
        namespace: {{ .Release.Namespace }}
        key: {{ .Values.hookAuth.secretKey | quote }}
    {{- end }}
    {{- if .Values.tls.enabled }}
    caBundle:
      secretRef:
        name: {{ .Values.tls.secretName }}
        namespace: {{ .Release.Namespace }}
        key: {{ .Values.tls.caKey | quote }}
    {{- end }}
{{- end -}}
{{- end -}}

{{/* Refuses values that would install a server that cannot start or cannot be called. */}}
{{- define "lattice-gateway-hooks.validate" -}}
{{- if and .Values.hookAuth.enabled (not .Values.hookAuth.existingSecret) (lt (len .Values.hookAuth.token) 16) -}}
{{- fail "hookAuth: set hookAuth.existingSecret (recommended) or a hookAuth.token of 16+ characters, or hookAuth.enabled=false" -}}
{{- end -}}
{{- if and .Values.tls.enabled (not .Values.tls.secretName) -}}
{{- fail "tls.secretName is required when tls.enabled" -}}
{{- end -}}
{{- if ge (int64 .Values.config.hookDeadlineMs) 10000 -}}
{{- fail "config.hookDeadlineMs must stay below Metacontroller's 10s hook timeout" -}}
{{- end -}}
{{- end -}}

{{/* The directory page's pods: the hook Service and its NetworkPolicy select hook-server pods only. */}}
{{- define "lattice-gateway-hooks.directorySelectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: directory
{{- end -}}

{{- define "lattice-gateway-hooks.directoryLabels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "lattice-gateway-hooks.directorySelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "lattice-gateway-hooks.directoryName" -}}
{{- printf "%s-directory" (include "lattice-gateway-hooks.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "lattice-gateway-hooks.directoryServiceAccountName" -}}
{{- if .Values.directory.serviceAccount.create -}}
{{- default (include "lattice-gateway-hooks.directoryName" .) .Values.directory.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.directory.serviceAccount.name -}}
{{- end -}}
{{- end -}}
