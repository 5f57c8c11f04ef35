using System.Text.RegularExpressions;
using BoostedGrains.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using YamlDotNet.RepresentationModel;
using static BoostedGrains.Hosting.Tests.Deploy.Manifests;

namespace BoostedGrains.Hosting.Tests.Deploy;

/// <summary>
/// No Kubernetes runs here: the manifests under deploy/ are rendered (kubectl kustomize) and held to the code they
/// deploy: probe paths the silo serves, documented settings, the default ports, the security context, the exposure table.
/// </summary>
public sealed partial class KubernetesManifestTests
{
    private static readonly Manifests Production = Load();

    private static YamlMappingNode Deployment => Production.Single("Deployment", "boostedgrains-silo");

    private static YamlMappingNode PodSpec => (YamlMappingNode)Node(Deployment, "spec", "template", "spec")!;

    private static YamlMappingNode Silo => Assert.Single(Items(PodSpec, "containers"));

    private static Dictionary<string, string> ConfigMap =>
        ((YamlMappingNode)Node(Production.Single("ConfigMap", "boostedgrains-silo"), "data")!).Children
        .ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value!);

    private static int ContainerPort(string name) =>
        int.Parse(Text(Assert.Single(Items(Silo, "ports"), p => Text(p, "name") == name), "containerPort")!);

    [Fact]
    public async Task Every_probe_path_is_served_by_the_silo_and_liveness_needs_no_dependency()
    {
        var probes = new[] { "startupProbe", "readinessProbe", "livenessProbe" }
            .ToDictionary(p => p, p => Text(Silo, p, "httpGet", "path")!);
        Assert.All(new[] { "startupProbe", "readinessProbe", "livenessProbe" }, p => Assert.Equal("http", Text(Silo, p, "httpGet", "port")));
        // Liveness and start-up run no check (Silo/Health/HealthEndpoints.cs maps /healthz/live with none): a storage or
        // Boosted outage never restarts a silo.
        Assert.Equal("/healthz/live", probes["livenessProbe"]);
        Assert.Equal("/healthz/live", probes["startupProbe"]);
        Assert.Equal("/healthz/ready", probes["readinessProbe"]);

        var url = TestSilo.FreeUrl();
        await using var silo = await TestSilo.CreateAsync(url, "probes", []);
        await silo.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        foreach (var path in probes.Values.Distinct())
            await Eventually.TrueAsync(async () => (await http.GetAsync(path)).IsSuccessStatusCode, $"{path} answers 200");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync("/healthz/nothing")).StatusCode);
        await silo.StopAsync();
    }

    [Fact]
    public void Every_environment_variable_is_a_documented_setting()
    {
        var documented = DocumentedSettings();
        var names = ConfigMap.Keys.Concat(Items(Silo, "env").Select(e => Text(e, "name")!)).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.True(documented.Any(setting => setting.IsMatch(name)), $"{name} is not in docs/configuration.md"));
    }

    [Fact]
    public void The_ports_are_the_silos_defaults_and_the_images_HTTP_port()
    {
        var defaults = new SiloClusterOptions();
        Assert.Equal(defaults.SiloPort, ContainerPort("silo"));
        Assert.Equal(defaults.GatewayPort, ContainerPort("gateway"));
        Assert.Equal(defaults.SiloPort.ToString(), ConfigMap["Cluster__SiloPort"]);
        Assert.Equal(defaults.GatewayPort.ToString(), ConfigMap["Cluster__GatewayPort"]);
        // The image listens where its Dockerfile says; the ConfigMap says the same.
        Assert.Contains($"ENV urls=http://0.0.0.0:{ContainerPort("http")}", File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "Silo", "Dockerfile")));
        Assert.Equal($"http://0.0.0.0:{ContainerPort("http")}", ConfigMap["urls"]);
        // Orleans' guidance: the pod's IP is the advertised address.
        var advertised = Assert.Single(Items(Silo, "env"), e => Text(e, "name") == "Cluster__AdvertisedIP");
        Assert.Equal("status.podIP", Text(advertised, "valueFrom", "fieldRef", "fieldPath"));
    }

    [Fact]
    public void The_silo_runs_non_root_on_a_read_only_root_without_a_service_account_token_or_a_CPU_limit()
    {
        Assert.Equal("false", Text(PodSpec, "automountServiceAccountToken"));
        Assert.Equal("false", Text(Production.Single("ServiceAccount", Text(PodSpec, "serviceAccountName")), "automountServiceAccountToken"));
        Assert.Equal("true", Text(PodSpec, "securityContext", "runAsNonRoot"));
        // The image's user (the .NET images' app user, $APP_UID).
        Assert.Equal("1654", Text(PodSpec, "securityContext", "runAsUser"));
        Assert.Equal("true", Text(Silo, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", Text(Silo, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal(["ALL"], ((YamlSequenceNode)Node(Silo, "securityContext", "capabilities", "drop")!).Children.Select(c => c.ToString()));
        // Every writable mount is a pod-local emptyDir; everything else is read-only.
        var volumes = Items(PodSpec, "volumes").ToDictionary(v => Text(v, "name")!);
        Assert.All(Items(Silo, "volumeMounts").Where(m => Text(m, "readOnly") != "true"),
            m => Assert.NotNull(Node(volumes[Text(m, "name")!], "emptyDir")));
        Assert.Null(Text(Silo, "resources", "limits", "cpu"));
        Assert.NotNull(Text(Silo, "resources", "limits", "memory"));
        Assert.NotNull(Text(Silo, "resources", "requests", "cpu"));
    }

    [Fact]
    public async Task Deploys_replace_one_silo_at_a_time_and_wait_longer_than_its_shutdown()
    {
        Assert.Equal("RollingUpdate", Text(Deployment, "spec", "strategy", "type"));
        Assert.Equal("0", Text(Deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"));
        Assert.Equal("1", Text(Deployment, "spec", "strategy", "rollingUpdate", "maxSurge"));
        Assert.True(int.Parse(Text(Deployment, "spec", "minReadySeconds")!) > 0);

        // The silo's own shutdown budget, as its host is built.
        await using var silo = await TestSilo.CreateAsync(TestSilo.FreeUrl(), "shutdown", []);
        var shutdown = silo.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout;
        var preStop = TimeSpan.FromSeconds(int.Parse(Text(Silo, "lifecycle", "preStop", "sleep", "seconds") ?? "0"));
        Assert.True(TimeSpan.FromSeconds(int.Parse(Text(PodSpec, "terminationGracePeriodSeconds")!)) > preStop + shutdown,
            $"terminationGracePeriodSeconds must exceed the preStop pause ({preStop}) plus the silo's shutdown ({shutdown})");

        var budget = Production.Single("PodDisruptionBudget");
        Assert.Equal("1", Text(budget, "spec", "maxUnavailable"));
        Assert.Equal(Node(Deployment, "spec", "selector", "matchLabels")!.ToString(), Node(budget, "spec", "selector", "matchLabels")!.ToString());
    }

    [Fact]
    public void Secrets_hold_the_KEK_client_secret_API_keys_storage_and_the_TLS_certificates()
    {
        var example = Assert.Single(LoadFile("secrets.example.yaml").All("Secret"));
        var keys = ((YamlMappingNode)Node(example, "stringData")!).Children.Keys.Select(k => k.ToString()).ToHashSet();
        var fromSecrets = Items(Silo, "env").Where(e => Node(e, "valueFrom", "secretKeyRef") is not null)
            .ToDictionary(e => Text(e, "name")!, e => Text(e, "valueFrom", "secretKeyRef", "key")!);
        Assert.Equal(["Admin__ApiKeys__ops", "Boosted__ClientSecret", "Gateway__ApiKeys__app", "KeyRing__Kek__Key", "Storage__AzureTableConnectionString"], fromSecrets.Keys.Order());
        Assert.All(fromSecrets.Values, key => Assert.Contains(key, keys));
        Assert.DoesNotContain(ConfigMap.Keys, key => key.Contains("Secret") || key.Contains("ApiKeys") || key.EndsWith("__Key") || key.Contains("ConnectionString"));

        // cert-manager writes the Secret the silos mount where Tls__* points.
        var certificate = LoadFile(Path.Combine("components", "cert-manager", "certificate.yaml")).Single("Certificate");
        var tls = Assert.Single(Items(PodSpec, "volumes"), v => Text(v, "secret", "secretName") == Text(certificate, "spec", "secretName"));
        var mount = Text(Assert.Single(Items(Silo, "volumeMounts"), m => Text(m, "name") == Text(tls, "name")), "mountPath");
        Assert.Equal($"{mount}/tls.crt", ConfigMap["Tls__CertificatePath"]);
        Assert.Equal($"{mount}/tls.key", ConfigMap["Tls__CertificateKeyPath"]);
        Assert.Equal($"{mount}/ca.crt", ConfigMap["Tls__TrustedCaPath"]);
        Assert.Equal(["client auth", "digital signature", "server auth"],
            ((YamlSequenceNode)Node(certificate, "spec", "usages")!).Children.Select(u => u.ToString()).Order());
    }

    [Fact]
    public void Network_policies_follow_the_exposure_table()
    {
        var policies = Production.All("NetworkPolicy").ToList();
        // Deny by default: one policy selects the silos for both directions and allows nothing.
        Assert.Contains(policies, p => Node(p, "spec", "ingress") is null && Node(p, "spec", "egress") is null
            && ((YamlSequenceNode)Node(p, "spec", "policyTypes")!).Children.Select(t => t.ToString()).Order().SequenceEqual(["Egress", "Ingress"]));

        // Who may reach each named port: the silo port only silos, the gateway only app servers, HTTP the ingress
        // controller (JWKS), app servers (token API) and operators (admin).
        var sources = policies.SelectMany(p => Items(p, "spec", "ingress"))
            .SelectMany(rule => Items(rule, "ports").Select(port => (Port: Text(port, "port")!, From: Items(rule, "from").Select(Source).ToList())))
            .GroupBy(x => x.Port).ToDictionary(g => g.Key, g => g.SelectMany(x => x.From).Order().ToList());
        Assert.Equal(["gateway", "http", "silo"], sources.Keys.Order());
        Assert.Equal(["pods app.kubernetes.io/component=silo"], sources["silo"]);
        Assert.Equal(["pods boostedgrains/role=app-server in any namespace"], sources["gateway"]);
        Assert.Equal(["namespace boostedgrains/role=operators", "namespace kubernetes.io/metadata.name=ingress-nginx", "pods boostedgrains/role=app-server in any namespace"], sources["http"]);
        // The port names are the container's.
        Assert.All(sources.Keys, name => ContainerPort(name));

        // The only public route is the JWKS path, to the HTTP Service, which selects the silos.
        var path = Assert.Single(Items(Assert.Single(Items(Production.Single("Ingress"), "spec", "rules")), "http", "paths"));
        Assert.Equal("/.well-known/jwks.json", Text(path, "path"));
        Assert.Equal("Exact", Text(path, "pathType"));
        var service = Production.Single("Service", Text(path, "backend", "service", "name"));
        Assert.Equal("http", Text(Assert.Single(Items(service, "spec", "ports")), "targetPort"));
        Assert.Equal(Node(Deployment, "spec", "selector", "matchLabels")!.ToString(), Node(service, "spec", "selector")!.ToString());
    }

    [KubectlFact]
    public void Every_overlay_renders_and_keeps_the_silos_probes_security_and_policies()
    {
        foreach (var overlay in Directory.GetDirectories(Path.Combine(Folder, "overlays")).Select(Path.GetFileName))
        {
            var rendered = Load(overlay!);
            var spec = (YamlMappingNode)Node(rendered.Single("Deployment", "boostedgrains-silo"), "spec", "template", "spec")!;
            var container = Assert.Single(Items(spec, "containers"));
            foreach (var part in new[] { "securityContext", "startupProbe", "readinessProbe", "livenessProbe", "ports", "resources" })
                Assert.Equal(Node(Silo, part)!.ToString(), Node(container, part)!.ToString());
            Assert.Equal(Node(PodSpec, "securityContext")!.ToString(), Node(spec, "securityContext")!.ToString());
            Assert.Equal(Production.All("NetworkPolicy").Count(), rendered.All("NetworkPolicy").Count());
            Assert.Single(rendered.All("Certificate"));
        }
    }

    private static string Source(YamlMappingNode peer)
    {
        string Labels(YamlNode? selector) => selector is YamlMappingNode m && Node(m, "matchLabels") is YamlMappingNode labels
            ? string.Join(",", labels.Children.Select(l => $"{l.Key}={l.Value}"))
            : "";
        var pods = Node(peer, "podSelector");
        var namespaces = Node(peer, "namespaceSelector");
        return (pods, namespaces) switch
        {
            (not null, null) => $"pods {Labels(pods)}",
            (not null, YamlMappingNode { Children.Count: 0 }) => $"pods {Labels(pods)} in any namespace",
            (null, not null) => $"namespace {Labels(namespaces)}",
            _ => $"pods {Labels(pods)} in namespace {Labels(namespaces)}",
        };
    }

    /// <summary>
    /// The setting names of docs/configuration.md's tables, as patterns: <c>N</c>, <c>0</c> and <c>&lt;name&gt;</c>
    /// segments stand for any, and a <c>`__Key`</c> after <c>`KeyRing__Kek__Id`</c> is <c>KeyRing__Kek__Key</c>.
    /// </summary>
    private static List<Regex> DocumentedSettings()
    {
        var settings = new List<Regex>();
        foreach (var row in File.ReadLines(Path.Combine(RepositoryRoot.Path, "docs", "configuration.md")).Where(l => l.StartsWith("| `")))
        {
            var name = row.Split('|')[1];
            string? previous = null;
            foreach (Match code in CodeSpan().Matches(name))
            {
                var setting = code.Groups[1].Value;
                if (setting.StartsWith("__") && previous is not null)
                    setting = previous[..previous.LastIndexOf("__", StringComparison.Ordinal)] + setting;
                previous = setting;
                var pattern = string.Join("__", setting.Split("__").Select(s => s is "N" or "0" or "1" or "<name>" ? "[A-Za-z0-9]+" : Regex.Escape(s)));
                settings.Add(new Regex($"^{pattern}$"));
            }
        }
        return settings;
    }

    [GeneratedRegex("`([A-Za-z_][A-Za-z0-9_<>]*)`")]
    private static partial Regex CodeSpan();
}
