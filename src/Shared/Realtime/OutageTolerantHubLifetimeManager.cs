using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace BookingAws.Shared.Realtime;

/// <summary>
/// The Redis backplane, except that Redis being unreachable never refuses or drops a socket: connecting,
/// joining a group and leaving succeed on this instance, the failed Redis subscription is logged, and
/// StackExchange.Redis subscribes again to every channel it was asked for once Redis is back, so pushes
/// resume by themselves. Sends still fail (the workers log and drop them: a push is a hint).
/// </summary>
public sealed partial class OutageTolerantHubLifetimeManager<THub>(IServiceProvider services, ILogger<OutageTolerantHubLifetimeManager<THub>> logger)
    : HubLifetimeManager<THub>, IDisposable
    where THub : Hub
{
    private readonly RedisHubLifetimeManager<THub> _inner = ActivatorUtilities.CreateInstance<RedisHubLifetimeManager<THub>>(services);

    public void Dispose() => _inner.Dispose();

    public override Task OnConnectedAsync(HubConnectionContext connection) => TolerateAsync(_inner.OnConnectedAsync(connection), "connect");

    public override Task OnDisconnectedAsync(HubConnectionContext connection) => TolerateAsync(_inner.OnDisconnectedAsync(connection), "disconnect");

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        TolerateAsync(_inner.AddToGroupAsync(connectionId, groupName, cancellationToken), "join a group");

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) =>
        TolerateAsync(_inner.RemoveFromGroupAsync(connectionId, groupName, cancellationToken), "leave a group");

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) => _inner.SendAllAsync(methodName, args, cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendAllExceptAsync(methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendConnectionAsync(connectionId, methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendConnectionsAsync(connectionIds, methodName, args, cancellationToken);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendGroupAsync(groupName, methodName, args, cancellationToken);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendGroupsAsync(groupNames, methodName, args, cancellationToken);

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        _inner.SendGroupExceptAsync(groupName, methodName, args, excludedConnectionIds, cancellationToken);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUserAsync(userId, methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        _inner.SendUsersAsync(userIds, methodName, args, cancellationToken);

    public override Task<T> InvokeConnectionAsync<T>(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken) =>
        _inner.InvokeConnectionAsync<T>(connectionId, methodName, args, cancellationToken);

    public override Task SetConnectionResultAsync(string connectionId, Microsoft.AspNetCore.SignalR.Protocol.CompletionMessage result) =>
        _inner.SetConnectionResultAsync(connectionId, result);

    public override bool TryGetReturnType(string invocationId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type) =>
        _inner.TryGetReturnType(invocationId, out type);

    private async Task TolerateAsync(Task operation, string what)
    {
        try
        {
            await operation;
        }
        catch (RedisException e)
        {
            LogRedisDown(logger, e, what);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable to {What} on the live availability hub; the socket is kept and pushes resume when Redis is back")]
    private static partial void LogRedisDown(ILogger logger, Exception exception, string what);
}
