using Cairn.Index.Shards;

namespace Cairn.Index.Identities;

/// <summary>Every identity row of one snapshot, decoded: what the IAM reads answer and the credential lookup serves.</summary>
public sealed class IdentityTable
{
    private readonly Dictionary<string, UserRecord> users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, RoleRecord> roles = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, GroupRecord> groups = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<GroupMember> members = [];
    private readonly Dictionary<string, AccessKeyRecord> keys = new(StringComparer.Ordinal);
    private readonly Dictionary<(PolicyHolder, string), SortedDictionary<string, string>> policies = new(HolderComparer.Instance);

    public static readonly IdentityTable Empty = new([]);

    public IdentityTable(IEnumerable<IndexEntry> rows)
    {
        foreach (var row in rows)
        {
            var name = IdentityRows.NameOf(row.Key);
            var parts = name.Split('/');
            switch (parts[0])
            {
                case "user":
                    var user = IdentityJson.DecodeUser(row.Value);
                    users[user.UserName] = user;
                    break;
                case "role":
                    var role = IdentityJson.DecodeRole(row.Value);
                    roles[role.RoleName] = role;
                    break;
                case "group":
                    var group = IdentityJson.DecodeGroup(row.Value);
                    groups[group.GroupName] = group;
                    break;
                case "member":
                    members.Add(IdentityJson.DecodeMember(row.Value));
                    break;
                case "key":
                    var key = IdentityJson.DecodeAccessKey(row.Value);
                    keys[key.AccessKeyId] = key;
                    break;
                case "policy" when parts.Length == 4:
                    var holder = Enum.GetValues<PolicyHolder>().First(h => IdentityRows.Holder(h) == parts[1]);
                    if (!policies.TryGetValue((holder, parts[2]), out var documents))
                        policies[(holder, parts[2])] = documents = new SortedDictionary<string, string>(StringComparer.Ordinal);
                    documents[parts[3]] = System.Text.Encoding.UTF8.GetString(row.Value);
                    break;
            }
        }
    }

    /// <summary>Users in IAM's listing order (by name).</summary>
    public IEnumerable<UserRecord> Users => users.Values.OrderBy(u => u.UserName, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<RoleRecord> Roles => roles.Values.OrderBy(r => r.RoleName, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<GroupRecord> Groups => groups.Values.OrderBy(g => g.GroupName, StringComparer.OrdinalIgnoreCase);

    public IEnumerable<AccessKeyRecord> AccessKeys => keys.Values;

    public GroupRecord? Group(string name) => groups.GetValueOrDefault(name);

    /// <summary>A group's members, in name order.</summary>
    public IEnumerable<UserRecord> MembersOf(string groupName) =>
        members.Where(m => string.Equals(m.GroupName, groupName, StringComparison.OrdinalIgnoreCase))
            .Select(m => User(m.UserName)).OfType<UserRecord>().OrderBy(u => u.UserName, StringComparer.OrdinalIgnoreCase);

    /// <summary>The groups a user belongs to, in name order.</summary>
    public IEnumerable<GroupRecord> GroupsOf(string userName) =>
        members.Where(m => string.Equals(m.UserName, userName, StringComparison.OrdinalIgnoreCase))
            .Select(m => Group(m.GroupName)).OfType<GroupRecord>().OrderBy(g => g.GroupName, StringComparer.OrdinalIgnoreCase);

    public UserRecord? User(string name) => users.GetValueOrDefault(name);

    public RoleRecord? Role(string name) => roles.GetValueOrDefault(name);

    public AccessKeyRecord? AccessKey(string accessKeyId) => keys.GetValueOrDefault(accessKeyId);

    public IEnumerable<AccessKeyRecord> AccessKeysOf(string userName) =>
        keys.Values.Where(k => string.Equals(k.UserName, userName, StringComparison.OrdinalIgnoreCase)).OrderBy(k => k.Created);

    /// <summary>The holder's inline policies by name, in name order.</summary>
    public IReadOnlyDictionary<string, string> PoliciesOf(PolicyHolder holder, string name) =>
        policies.TryGetValue((holder, name.ToLowerInvariant()), out var documents) ? documents : new Dictionary<string, string>();

    private sealed class HolderComparer : IEqualityComparer<(PolicyHolder, string)>
    {
        public static readonly HolderComparer Instance = new();

        public bool Equals((PolicyHolder, string) x, (PolicyHolder, string) y) => x.Item1 == y.Item1 && string.Equals(x.Item2, y.Item2, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((PolicyHolder, string) obj) => HashCode.Combine(obj.Item1, StringComparer.OrdinalIgnoreCase.GetHashCode(obj.Item2));
    }
}
