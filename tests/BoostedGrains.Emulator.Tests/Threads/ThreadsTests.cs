using System.Net;
using System.Text.Json.Nodes;
using BoostedGrains.Emulator.Tests.Infrastructure;
using static BoostedGrains.Emulator.Tests.Infrastructure.EmulatorHarness;

namespace BoostedGrains.Emulator.Tests.Threads;

public sealed class ThreadsTests : IAsyncLifetime
{
    private EmulatorHarness _h = null!;
    private string _management = null!;
    private string _alice = null!;
    private string _aliceId = null!;
    private string _bob = null!;

    public async Task InitializeAsync()
    {
        _h = await EmulatorHarness.StartAsync();
        _management = await _h.ManagementTokenAsync();
        _aliceId = await _h.CreateUserAsync(_management, "alice");
        _alice = await _h.TokenAsync(_aliceId);
        _bob = await _h.TokenAsync(await _h.CreateUserAsync(_management, "bob"));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_user_creates_a_thread_sends_a_message_and_reads_the_conversation()
    {
        var threadId = await CreateThreadAsync(_alice, "Research");

        using var list = await _h.SendAsync(HttpMethod.Get, "v2/threads", _alice);
        var threads = (await JsonAsync(list))["threads"]!.AsArray();
        Assert.Equal((threadId, "Research"), ((string?)threads.Single()!["thread_id"], (string?)threads.Single()!["thread_name"]));

        using var send = await SendMessageAsync(_alice, threadId, "What moved NVDA?");
        Assert.Equal(HttpStatusCode.OK, send.StatusCode);
        Assert.True((bool)(await JsonAsync(send))["success"]!);

        using var messages = await _h.SendAsync(HttpMethod.Get, $"v2/threads/{threadId}/messages", _alice);
        var body = await JsonAsync(messages);
        Assert.Equal((2, 0), ((int)body["total_message_count"]!, (int)body["start_index"]!));
        var first = body["messages"]![0]!;
        Assert.Equal(("What moved NVDA?", true, 0), ((string?)first["message"], (bool)first["is_user_message"]!, first["citations"]!.AsArray().Count));
        Assert.False((bool)body["messages"]![1]!["is_user_message"]!);
    }

    [Fact]
    public async Task Another_users_thread_is_404_and_invisible()
    {
        var threadId = await CreateThreadAsync(_alice, "Private");

        using var read = await _h.SendAsync(HttpMethod.Get, $"v2/threads/{threadId}/messages", _bob);
        using var write = await SendMessageAsync(_bob, threadId, "hi");
        using var list = await _h.SendAsync(HttpMethod.Get, "v2/threads", _bob);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (read.StatusCode, write.StatusCode));
        Assert.Empty((await JsonAsync(list))["threads"]!.AsArray());
    }

    [Fact]
    public async Task Threads_need_a_valid_user_token_with_thread_scope()
    {
        using var none = await _h.SendAsync(HttpMethod.Get, "v2/threads", null);
        using var unknown = await _h.SendAsync(HttpMethod.Get, "v2/threads", "made-up");
        using var management = await _h.SendAsync(HttpMethod.Post, "v2/threads", _management, new JsonObject { ["thread_name"] = "x" });

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (none.StatusCode, unknown.StatusCode, management.StatusCode));
        Assert.Equal("Bearer", management.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Missing_thread_name_or_message_is_422()
    {
        using var noName = await _h.SendAsync(HttpMethod.Post, "v2/threads", _alice, new JsonObject());
        var threadId = await CreateThreadAsync(_alice, "t");
        using var noMessage = await _h.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"v2/threads/{threadId}/messages")
        {
            Headers = { Authorization = new("Bearer", _alice) },
            Content = new FormUrlEncodedContent([new("other", "x")]),
        });

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (noName.StatusCode, noMessage.StatusCode));
    }

    [Fact]
    public async Task Analytics_exports_the_partners_messages_as_json_lines()
    {
        var threadId = await CreateThreadAsync(_alice, "Export");
        using var m1 = await SendMessageAsync(_alice, threadId, "first");
        using var m2 = await SendMessageAsync(_alice, threadId, "second");
        var analytics = await _h.ManagementTokenAsync(scope: "analytics");
        var today = _h.Now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var export = await _h.SendAsync(HttpMethod.Get, $"v2/analytics/messages?start_date={today}&end_date={today}", analytics);
        var lines = (await export.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/jsonl", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal(2, lines.Length);
        var row = JsonNode.Parse(lines[0])!.AsObject();
        Assert.Equal(["Input", "Response", "Message ID", "Message Time", "Thread ID", "User ID"], row.Select(p => p.Key).ToArray());
        Assert.Equal(("first", threadId, _aliceId), ((string?)row["Input"], (string?)row["Thread ID"], (string?)row["User ID"]));

        using var yesterday = await _h.SendAsync(HttpMethod.Get, "v2/analytics/messages?start_date=2020-01-01&end_date=2020-01-02", analytics);
        Assert.Equal("", await yesterday.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Analytics_needs_the_analytics_scope_and_valid_dates()
    {
        using var wrongScope = await _h.SendAsync(HttpMethod.Get, "v2/analytics/messages?start_date=2026-01-01&end_date=2026-01-02", _management);
        var analytics = await _h.ManagementTokenAsync(scope: "analytics");
        using var badDate = await _h.SendAsync(HttpMethod.Get, "v2/analytics/messages?start_date=01/01/2026&end_date=2026-01-02", analytics);
        using var reversed = await _h.SendAsync(HttpMethod.Get, "v2/analytics/messages?start_date=2026-01-03&end_date=2026-01-02", analytics);

        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (badDate.StatusCode, reversed.StatusCode));
    }

    private async Task<string> CreateThreadAsync(string token, string name)
    {
        using var response = await _h.SendAsync(HttpMethod.Post, "v2/threads", token, new JsonObject { ["thread_name"] = name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (string)(await JsonAsync(response))["thread_id"]!;
    }

    private Task<HttpResponseMessage> SendMessageAsync(string token, string threadId, string message) =>
        _h.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"v2/threads/{threadId}/messages")
        {
            Headers = { Authorization = new("Bearer", token) },
            Content = new FormUrlEncodedContent([new("message", message)]),
        });
}
